// A program that throws a string.
// expect exit: 1
// expect stderr: ^xos: the program threw: no sites configured \(a string, not an Error, so xos cannot tell where it was thrown; throw new Error\('\.\.\.'\) instead\)$
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
throw 'no sites configured';
cloud.synth();
