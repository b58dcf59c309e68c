import { Cloud } from 'xos';
import { inventory } from './no-such-module';

new Cloud({ name: String(inventory) }).synth();
