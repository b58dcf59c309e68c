// A Flavor where an Image belongs: a usage error at the line that declares the Deployment.
// expect exit: 1
// expect stderr: ^xos: test/bad-inputs/programs/usage-flavor-as-image\.ts:13: Deployment 'dep1': new Deployment\(\{ images \}\) was given Flavor 'small', not an Image\. images takes only Images: .*a Flavor in flavors
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User, View } from 'xos';

const cloud = new Cloud({ name: 'bad' });
const site = new Site(cloud, 'site1');
const alice = new User(cloud, 'alice', { site });
site.grant(alice, 'admin');
const image = new Image(cloud, 'ubuntu');
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const dep = new Deployment(cloud, 'dep1', { hostSites: [site], acquireSites: [site], images: [flavor as never], flavors: [flavor], networkTemplates: [tpl] });
cloud.synth();
