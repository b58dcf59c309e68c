// A program importing a package that is not installed.
// expect exit: 1
// expect stderr: ^xos: test\/bad-inputs\/programs\/missing-package\.ts:\d+: Cannot find module 'left-pad-that-is-not-installed'\. Check the import's path or install the package\.$
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
import 'left-pad-that-is-not-installed';
cloud.synth();
