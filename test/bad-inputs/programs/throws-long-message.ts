// A program that throws an Error whose message is 10 MB long: the message is cut.
// expect exit: 1
// expect stderr: ^xos: the program threw: x{997}\.\.\. \(10,000,000 characters\)
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
throw new Error('x'.repeat(10_000_000));
cloud.synth();
