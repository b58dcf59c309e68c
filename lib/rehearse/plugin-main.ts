/**
 * The harness as a provider plugin Terraform starts itself (found through `dev_overrides` in
 * the CLI configuration `xos rehearse --launch` writes): go-plugin's handshake on stdout,
 * then one provider served over gRPC on loopback until Terraform asks it to shut down.
 *
 *   terraform-provider-<name> -> node plugin-main.js <openstack|aws> <cloud folder> <openstack schema>
 *
 * The handshake line is `CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT`
 * (go-plugin's format): core protocol 1, Terraform's plugin protocol 6, tcp on 127.0.0.1,
 * grpc, and the server certificate when Terraform asked for automatic mutual TLS.
 */
import { pluginCertificate } from './cert';
import { Cloud } from './cloud';
import { HarnessProvider } from './provider';
import { behaviours, type OpenstackSchemaVersion } from './schemas';
import { serveProvider } from './server';

/** Terraform's magic cookie: a plugin refuses to run unless Terraform started it. */
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const APP_PROTOCOL_VERSION = 6;

async function main(argv: readonly string[]): Promise<void> {
  const [name, cloudDir, openstack = '3'] = argv;
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    process.stderr.write('This binary is a plugin (the xos rehearsal harness). It is not meant to be run directly: Terraform starts it.\n');
    process.exit(1);
  }
  // Terraform lists the plugin protocol versions it speaks; the harness speaks 6 only.
  const offered = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? String(APP_PROTOCOL_VERSION)).split(',').map((v) => Number(v.trim()));
  if (!offered.includes(APP_PROTOCOL_VERSION)) {
    process.stderr.write(`The xos rehearsal harness speaks plugin protocol ${APP_PROTOCOL_VERSION}; Terraform offered ${offered.join(', ')}. Use Terraform 1.0 or later.\n`);
    process.exit(1);
  }
  if (name !== 'openstack' && name !== 'aws') {
    process.stderr.write(`xos rehearsal plugin: unknown provider '${name}'\n`);
    process.exit(1);
  }
  const clientCert = process.env.PLUGIN_CLIENT_CERT;
  const cert = clientCert ? pluginCertificate() : undefined;
  const provider = new HarnessProvider(behaviours(openstack as OpenstackSchemaVersion)[name], new Cloud(cloudDir));
  const served = await serveProvider(provider, {
    ...(cert && clientCert ? { tls: { keyPem: cert.keyPem, certPem: cert.certPem, clientCertPem: clientCert } } : {}),
    onShutdown: () => {
      void served.stop().then(() => process.exit(0));
    },
  });
  // As go-plugin's plugins do: interrupts are Terraform's to handle, the plugin keeps serving.
  process.on('SIGINT', () => undefined);
  // A Terraform that died without asking it to shut down leaves no plugin behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1000).unref();
  process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|tcp|${served.address}|grpc|${cert?.handshake ?? ''}\n`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`xos rehearsal plugin: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
