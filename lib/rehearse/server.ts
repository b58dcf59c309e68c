/**
 * Serving a harness provider to Terraform over gRPC on loopback, as go-plugin plugins are
 * served: the `tfplugin6.Provider` service, go-plugin's controller (Shutdown) and the gRPC
 * health check. Two ways Terraform reaches it:
 *
 * - attached (`TF_REATTACH_PROVIDERS`): the server runs in a process of our own and
 *   Terraform connects to it in plaintext, as it does to a provider started in debug mode;
 *   one process then serves every Terraform command of a rehearsal (or a test file);
 * - started by Terraform as a plugin (`plugin-main.ts`): the magic cookie is checked, the
 *   server answers go-plugin's handshake line on stdout, and when Terraform asks for
 *   automatic mutual TLS (`PLUGIN_CLIENT_CERT`) it serves TLS with a certificate of its own,
 *   given in the handshake, and accepts only Terraform's.
 */
import * as grpc from '@grpc/grpc-js';
import { controllerService, healthService, providerService, type Message, type ProviderMethod } from './proto';
import type { HarnessProvider } from './provider';

export interface ServeOptions {
  /** Serve TLS with this key and certificate, accepting only clients with `clientCertPem`. */
  readonly tls?: { readonly keyPem: string; readonly certPem: string; readonly clientCertPem: string };
  /** Called when Terraform asks the plugin to shut down (go-plugin's controller). */
  readonly onShutdown?: () => void;
}

export interface Served {
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

type Handler = (req: Message, peer: string) => Message;

function handlers(p: HarnessProvider): Record<ProviderMethod, Handler> {
  return {
    GetMetadata: () => p.getMetadata(),
    GetProviderSchema: () => p.getProviderSchema(),
    ValidateProviderConfig: (r) => p.validateProviderConfig(r),
    ValidateResourceConfig: (r) => p.validateResourceConfig(r, false),
    ValidateDataResourceConfig: (r) => p.validateResourceConfig(r, true),
    UpgradeResourceState: (r) => p.upgradeResourceState(r),
    ConfigureProvider: (r, peer) => p.configureProvider(r, peer),
    ReadResource: (r, peer) => p.readResource(r, peer),
    PlanResourceChange: (r) => p.planResourceChange(r),
    ApplyResourceChange: (r, peer) => p.applyResourceChange(r, peer),
    ImportResourceState: (r, peer) => p.importResourceState(r, peer),
    ReadDataSource: (r, peer) => p.readDataSource(r, peer),
    GetFunctions: () => ({ functions: {} }),
    StopProvider: () => ({}),
  };
}

function unaryImpl(fn: Handler): grpc.handleUnaryCall<Message, Message> {
  return (call, callback) => {
    try {
      callback(null, fn(call.request, call.getPeer()));
    } catch (e) {
      callback({ code: grpc.status.INTERNAL, details: `xos rehearsal harness: ${(e as Error)?.stack ?? e}` } as grpc.ServiceError, null);
    }
  };
}

/** Serve one provider on a loopback port. */
export function serveProvider(p: HarnessProvider, options: ServeOptions = {}): Promise<Served> {
  // Terraform sends whole schemas and states: no message size limit below what it allows.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const impl: Record<string, grpc.UntypedHandleCall> = {};
  for (const [name, fn] of Object.entries(handlers(p))) impl[name] = unaryImpl(fn);
  server.addService(providerService(), impl);
  server.addService(controllerService(), {
    Shutdown: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
      callback(null, {});
      if (options.onShutdown) setImmediate(options.onShutdown);
    },
  });
  server.addService(healthService(), { Check: unaryImpl(() => ({ status: 1 })) });
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(Buffer.from(options.tls.clientCertPem), [{ private_key: Buffer.from(options.tls.keyPem), cert_chain: Buffer.from(options.tls.certPem) }], true)
    : grpc.ServerCredentials.createInsecure();
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (err, port) => {
      if (err) return reject(err);
      resolve({
        address: `127.0.0.1:${port}`,
        port,
        stop: () =>
          new Promise<void>((done) => {
            server.tryShutdown(() => done());
            // Connections Terraform left open do not hold the harness.
            setTimeout(() => (server.forceShutdown(), done()), 2000).unref();
          }),
      });
    });
  });
}
