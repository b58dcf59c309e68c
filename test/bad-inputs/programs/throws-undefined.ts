// A program that throws undefined.
// expect exit: 1
// expect stderr: ^xos: the program threw: undefined \(an undefined value, not an Error
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
throw undefined;
cloud.synth();
