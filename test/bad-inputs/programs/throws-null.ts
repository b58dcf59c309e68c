// A program that throws null.
// expect exit: 1
// expect stderr: ^xos: the program threw: null \(a null value, not an Error
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
throw null;
cloud.synth();
