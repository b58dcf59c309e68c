// Every kind of secret reference, on every target: an OpenStack Controller's credentials from
// the environment, an EC2 Controller's and a Service's as Terraform variables, S3's from the
// environment. The tests set known values for all of them and look for those values in the output.
import { Cloud, Controller, Deployment, Flavor, Image, NetworkTemplate, Secret, Service, Site, User } from 'xos';

const cloud = new Cloud({ name: 'known-secrets' });
const site = new Site(cloud, 'lab');
const ann = new User(cloud, 'ann', { site, publicKeys: ['ssh-ed25519 AAAAannkey ann'] });
site.grant(ann, 'admin');
const image = new Image(cloud, 'img', { sourceUrl: 'https://images.example/img.qcow2' });
const flavor = new Flavor(cloud, 'small', { cores: 1, ramMb: 1024 });
const tpl = new NetworkTemplate(cloud, 'private');
const os = new Deployment(cloud, 'os', { hostSites: [site], acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
os.addController('os-head', {
  backend: 'openstack',
  url: 'https://keystone.lab.example:5000/v3',
  sites: [site],
  credentials: { username: Secret.env('XOS_T_OS_USERNAME'), password: Secret.env('XOS_T_OS_PASSWORD'), project: Secret.env('XOS_T_OS_PROJECT') },
});
const ec2 = new Deployment(cloud, 'aws', { acquireSites: [site], images: [image], flavors: [flavor], networkTemplates: [tpl] });
ec2.addController('ec2-eu', { backend: 'ec2', region: 'eu-west-1', sites: [site], credentials: { access_key: Secret.tfVar('xos_t_aws_key'), secret_key: Secret.tfVar('xos_t_aws_secret') } });
const s3c = new Controller(cloud, 's3', { backend: 's3', region: 'eu-west-1', credentials: { access_key: Secret.env('XOS_T_S3_KEY'), secret_key: Secret.env('XOS_T_S3_SECRET') } });
const s3 = new Service(cloud, 'S3', { controller: s3c });

const db = site.addSlice('db', { image, flavor });
db.grant(ann, 'admin');
db.addNetwork('lan', { cidr: '10.1.0.0/24', template: tpl });
db.addSliver('db-1', { deployment: os });
// A replica beside app-2: a private connect needs both sides on each back-end (FLOW-003).
db.addSliver('db-2', { deployment: ec2 });
const app = site.addSlice('app', { image, flavor });
app.grant(ann, 'admin');
app.addSliver('app-1', { deployment: os });
app.addSliver('app-2', { deployment: ec2 });

const dbService = new Service(cloud, 'DB', { slices: [db], ports: [5432], credentials: { db_password: Secret.tfVar('xos_t_db_password') } });
const appService = new Service(cloud, 'App', { slices: [app] });
// The shared network's block in 10/8 with the rest: an EC2 VPC holds one private range.
appService.tenantOf(dbService, { connect: 'shared-private', cidr: '10.2.0.0/24' });
appService.tenantOf(s3, { connect: 'public' });

cloud.synth();
