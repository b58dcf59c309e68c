import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';

const cloud = new Cloud({ name: 'syndicate-on-s3' });
const lab = new Site(cloud, 'lab');
const ann = new User(cloud, 'ann', { site: lab, publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnnExampleKey ann@lab'] });
lab.grant(ann, 'admin');
const ubuntu = new Image(cloud, 'ubuntu-22.04');
const small = new Flavor(cloud, 'small', { cores: 2, ramMb: 4096 });
const priv = new NetworkTemplate(cloud, 'private');
const ec2 = new Deployment(cloud, 'ec2', { acquireSites: [lab], images: [ubuntu], flavors: [small], networkTemplates: [priv] });
ec2.addController('ec2-eu', {
  backend: 'ec2',
  region: 'eu-west-1',
  sites: [lab],
  credentials: { access_key: Secret.env('AWS_ACCESS_KEY_ID'), secret_key: Secret.env('AWS_SECRET_ACCESS_KEY') },
});
// An external Service: a Controller and no Slice. With no credentials, the provider reads AWS_* itself.
const s3 = new Service(cloud, 'S3', { controller: new Controller(cloud, 's3', { backend: 's3', region: 'eu-west-1' }) });

const gateways = lab.addSlice('syndicate', { image: ubuntu, flavor: small });
gateways.grant(ann, 'admin');
gateways.addNetwork('lan', { cidr: '10.0.1.0/24', template: priv });
gateways.addSliver('gw-1', { deployment: ec2 });
new Service(cloud, 'Syndicate', { slices: [gateways] }).tenantOf(s3, { connect: 'public' });

cloud.synth();
