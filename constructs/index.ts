export { XosConstruct, setSourceCapture } from './base';
export { Cloud } from './cloud';
export type { CloudProps } from './cloud';
export { Secret } from './secret';
export type { Credentials } from './secret';
export { Site } from './site';
export type { SiteProps } from './site';
export { User } from './user';
export type { UserProps } from './user';
export { Privilege } from './privilege';
export { Deployment, Controller, Node, Image, Flavor, NetworkTemplate } from './infra';
export type {
  DeploymentProps,
  ControllerProps,
  NodeProps,
  ImageProps,
  FlavorProps,
  NetworkTemplateProps,
} from './infra';
export { Slice, Sliver, Network } from './slice';
export type { SliceProps, SliverProps, Placement, NetworkProps } from './slice';
export { Service, Tenant } from './service';
export type { ServiceProps, ServicePortSpec, TenancyOptions, TenantSliver, InstanceAddition, InstanceInfo, PoolSpec } from './service';
export { TenantInstance } from './instance';
export type { TenantInstanceProps, Subscriber } from './instance';
export { View } from './view';
export type { ViewProps } from './view';
