import { Cloud } from 'xos';

new Cloud({ name: 'a' }).synth();
new Cloud({ name: 'b' }).synth();
