import { Cloud, Sitee } from 'xos';

const cloud = new Cloud({ name: 'bad' });
new Sitee(cloud, 'x');
cloud.synth();
