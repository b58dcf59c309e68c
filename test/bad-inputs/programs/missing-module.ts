// A program importing a relative module that does not exist.
// expect exit: 1
// expect stderr: ^xos: test\/bad-inputs\/programs\/missing-module\.ts:\d+: Cannot find module '\./no-such-helper'\. Check the import's path or install the package\.$
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
import './no-such-helper';
cloud.synth();
