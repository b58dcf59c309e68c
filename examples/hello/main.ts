/**
 * hello: the smallest whole XOS cloud. One Site, one Deployment with its Controller, and one
 * Slice whose two Slivers share one private Network.
 */
import { Cloud, Deployment, Flavor, Image, NetworkTemplate, Secret, Site, User } from 'xos';

const cloud = new Cloud({ name: 'hello' });

const princeton = new Site(cloud, 'princeton', { location: 'Princeton, NJ' });
const alice = new User(cloud, 'alice', {
  site: princeton,
  email: 'alice@princeton.example',
  publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHelloAliceExampleKeyOnly0000000000000000 alice@laptop'],
});
princeton.grant(alice, 'admin');

const ubuntu = new Image(cloud, 'ubuntu-22.04');
const small = new Flavor(cloud, 'm1.small', { cores: 1, ramMb: 2048, diskGb: 20 });
const privateNet = new NetworkTemplate(cloud, 'private');

const cluster = new Deployment(cloud, 'princeton-cluster', {
  hostSites: [princeton],
  acquireSites: [princeton],
  images: [ubuntu],
  flavors: [small],
  networkTemplates: [privateNet],
  limits: { cores: 8, instances: 4 },
});
cluster.addController('princeton-head', {
  backend: 'openstack',
  url: 'https://keystone.princeton.example:5000/v3',
  sites: [princeton],
  credentials: { username: Secret.env('OS_USERNAME'), password: Secret.env('OS_PASSWORD') },
});

const hello = princeton.addSlice('hello', { image: ubuntu, flavor: small, description: 'two VMs on one network' });
hello.grant(alice, 'admin');
hello.addNetwork('lan', { cidr: '10.10.0.0/24', template: privateNet });
hello.addSliver('vm1', { deployment: cluster });
hello.addSliver('vm2', { deployment: cluster });

cloud.synth();
