import { Cloud, Site } from 'xos';

const cloud = new Cloud({ name: 'typo' });
new Site(cloud, 'site1', { loginBase: 42 });
cloud.synth();
