import { Cloud } from 'xos';

const cloud = new Cloud({ name: 'throws' });
function lookUpInventory(): never {
  throw new Error('inventory service unreachable');
}
lookUpInventory();
cloud.synth();
