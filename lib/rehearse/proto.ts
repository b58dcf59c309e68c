/**
 * The wire messages the harness speaks, as protobuf definitions parsed at load time: the part
 * of Terraform's plugin protocol 6 (tfplugin6, published in hashicorp/terraform
 * docs/plugin-protocol/) that validate, plan, apply, refresh, import and destroy use, and
 * go-plugin's controller and gRPC health services. Field numbers are the protocol's; fields
 * the harness never reads or writes are left out (protobuf skips unknown fields), as are the
 * RPCs it does not serve (gRPC answers those UNIMPLEMENTED, which Terraform tolerates for the
 * optional ones: GetMetadata, functions, ephemeral resources, MoveResourceState).
 */
import type * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';

const TFPLUGIN6 = `
syntax = "proto3";
package tfplugin6;

message DynamicValue { bytes msgpack = 1; bytes json = 2; }

message Diagnostic {
  enum Severity { INVALID = 0; ERROR = 1; WARNING = 2; }
  Severity severity = 1;
  string summary = 2;
  string detail = 3;
  AttributePath attribute = 4;
}

message AttributePath {
  message Step {
    oneof selector {
      string attribute_name = 1;
      string element_key_string = 2;
      int64 element_key_int = 3;
    }
  }
  repeated Step steps = 1;
}

message RawState { bytes json = 1; map<string, string> flatmap = 2; }

enum StringKind { PLAIN = 0; MARKDOWN = 1; }

message Schema {
  message Block {
    int64 version = 1;
    repeated Attribute attributes = 2;
    repeated NestedBlock block_types = 3;
    string description = 4;
    StringKind description_kind = 5;
    bool deprecated = 6;
  }
  message Attribute {
    string name = 1;
    bytes type = 2;
    Object nested_type = 10;
    string description = 3;
    bool required = 4;
    bool optional = 5;
    bool computed = 6;
    bool sensitive = 7;
    StringKind description_kind = 8;
    bool deprecated = 9;
    bool write_only = 11;
  }
  message NestedBlock {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; GROUP = 5; }
    string type_name = 1;
    Block block = 2;
    NestingMode nesting = 3;
    int64 min_items = 4;
    int64 max_items = 5;
  }
  message Object {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; }
    repeated Attribute attributes = 1;
    NestingMode nesting = 3;
  }
  int64 version = 1;
  Block block = 2;
}

message Function {}

message ServerCapabilities {
  bool plan_destroy = 1;
  bool get_provider_schema_optional = 2;
  bool move_resource_state = 3;
}

message GetMetadata {
  message Request {}
  message Response {
    ServerCapabilities server_capabilities = 1;
    repeated Diagnostic diagnostics = 2;
    repeated DataSourceMetadata data_sources = 3;
    repeated ResourceMetadata resources = 4;
  }
  message DataSourceMetadata { string type_name = 1; }
  message ResourceMetadata { string type_name = 1; }
}

message GetProviderSchema {
  message Request {}
  message Response {
    Schema provider = 1;
    map<string, Schema> resource_schemas = 2;
    map<string, Schema> data_source_schemas = 3;
    repeated Diagnostic diagnostics = 4;
    Schema provider_meta = 5;
    ServerCapabilities server_capabilities = 6;
  }
}

message ValidateProviderConfig {
  message Request { DynamicValue config = 1; }
  message Response { repeated Diagnostic diagnostics = 2; }
}

message UpgradeResourceState {
  message Request { string type_name = 1; int64 version = 2; RawState raw_state = 3; }
  message Response { DynamicValue upgraded_state = 1; repeated Diagnostic diagnostics = 2; }
}

message ValidateResourceConfig {
  message Request { string type_name = 1; DynamicValue config = 2; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ValidateDataResourceConfig {
  message Request { string type_name = 1; DynamicValue config = 2; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ConfigureProvider {
  message Request { string terraform_version = 1; DynamicValue config = 2; }
  message Response { repeated Diagnostic diagnostics = 1; }
}

message ReadResource {
  message Request { string type_name = 1; DynamicValue current_state = 2; bytes private = 3; DynamicValue provider_meta = 4; }
  message Response { DynamicValue new_state = 1; repeated Diagnostic diagnostics = 2; bytes private = 3; }
}

message PlanResourceChange {
  message Request {
    string type_name = 1;
    DynamicValue prior_state = 2;
    DynamicValue proposed_new_state = 3;
    DynamicValue config = 4;
    bytes prior_private = 5;
    DynamicValue provider_meta = 6;
  }
  message Response {
    DynamicValue planned_state = 1;
    repeated AttributePath requires_replace = 2;
    bytes planned_private = 3;
    repeated Diagnostic diagnostics = 4;
    // Set only as terraform-plugin-sdk's helper/schema sets it: the harness does when it
    // plans a provider's default for an unset argument, as helper/schema does.
    bool legacy_type_system = 5;
  }
}

message ApplyResourceChange {
  message Request {
    string type_name = 1;
    DynamicValue prior_state = 2;
    DynamicValue planned_state = 3;
    DynamicValue config = 4;
    bytes planned_private = 5;
    DynamicValue provider_meta = 6;
  }
  message Response { DynamicValue new_state = 1; bytes private = 2; repeated Diagnostic diagnostics = 3; bool legacy_type_system = 4; }
}

message ImportResourceState {
  message Request { string type_name = 1; string id = 2; }
  message ImportedResource { string type_name = 1; DynamicValue state = 2; bytes private = 3; }
  message Response { repeated ImportedResource imported_resources = 1; repeated Diagnostic diagnostics = 2; }
}

message ReadDataSource {
  message Request { string type_name = 1; DynamicValue config = 2; DynamicValue provider_meta = 3; }
  message Response { DynamicValue state = 1; repeated Diagnostic diagnostics = 2; }
}

message GetFunctions {
  message Request {}
  message Response { map<string, Function> functions = 1; repeated Diagnostic diagnostics = 2; }
}

message StopProvider {
  message Request {}
  message Response { string Error = 1; }
}
`;

/** go-plugin's own services (its internal/plugin protos) and gRPC's health check. */
const PLUGIN = `
syntax = "proto3";
package plugin;
message Empty {}
`;

const HEALTH = `
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
`;

const root = new protobuf.Root();
for (const text of [TFPLUGIN6, PLUGIN, HEALTH]) protobuf.parse(text, root, { keepCase: true });
root.resolveAll();

/** A protobuf message type of the protocol. */
export function messageType(name: string): protobuf.Type {
  return root.lookupType(name);
}

/** The provider RPCs the harness serves: method name -> request and response message types. */
export const PROVIDER_METHODS = [
  'GetMetadata',
  'GetProviderSchema',
  'ValidateProviderConfig',
  'ValidateResourceConfig',
  'ValidateDataResourceConfig',
  'UpgradeResourceState',
  'ConfigureProvider',
  'ReadResource',
  'PlanResourceChange',
  'ApplyResourceChange',
  'ImportResourceState',
  'ReadDataSource',
  'GetFunctions',
  'StopProvider',
] as const;
export type ProviderMethod = (typeof PROVIDER_METHODS)[number];

/** Decoded messages are plain objects with the proto's field names; bytes are Buffers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

function unary(path: string, req: protobuf.Type, res: protobuf.Type): grpc.MethodDefinition<Message, Message> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: Message) => Buffer.from(req.encode(req.fromObject(m)).finish()),
    requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), { defaults: false, bytes: Buffer, longs: Number, enums: Number }),
    responseSerialize: (m: Message) => Buffer.from(res.encode(res.fromObject(m)).finish()),
    responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), { defaults: false, bytes: Buffer, longs: Number, enums: Number }),
  };
}

/** The `tfplugin6.Provider` service, with the methods served. */
export function providerService(): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<Message, Message>> = {};
  for (const m of PROVIDER_METHODS) def[m] = unary(`/tfplugin6.Provider/${m}`, messageType(`tfplugin6.${m}.Request`), messageType(`tfplugin6.${m}.Response`));
  return def;
}

/** go-plugin's `plugin.GRPCController`: Shutdown asks a plugin it started to exit. */
export function controllerService(): grpc.ServiceDefinition {
  const empty = messageType('plugin.Empty');
  return { Shutdown: unary('/plugin.GRPCController/Shutdown', empty, empty) };
}

/** gRPC's health service: go-plugin's client pings the plugin through it. */
export function healthService(): grpc.ServiceDefinition {
  return { Check: unary('/grpc.health.v1.Health/Check', messageType('grpc.health.v1.HealthCheckRequest'), messageType('grpc.health.v1.HealthCheckResponse')) };
}
