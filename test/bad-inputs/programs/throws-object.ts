// A program that throws a plain object, not an Error.
// expect exit: 1
// expect stderr: ^xos: the program threw: \{"code":42,"reason":"quota"\} \(an object value, not an Error; throw new Error\(.*\) to say what went wrong\)
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
throw { code: 42, reason: 'quota' };
cloud.synth();
