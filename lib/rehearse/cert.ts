/**
 * A self-signed certificate for go-plugin's automatic mutual TLS: when Terraform starts a
 * plugin it hands over its own client certificate (`PLUGIN_CLIENT_CERT`) and expects the
 * plugin to serve TLS with a certificate of the plugin's, given back (DER, base64 without
 * padding) in the handshake line. Go's TLS client checks it as go-plugin's own plugins make
 * theirs: valid for the name `localhost`, a CA (Terraform trusts exactly this certificate),
 * usable for server and client authentication.
 *
 * Node can make keys and signatures but not certificates, so the X.509 structure (RFC 5280)
 * is written here in DER: version 3, a random serial, ECDSA P-256 with SHA-256. The npm
 * packages that write certificates bring a tree of their own for it (checked: selfsigned 5
 * depends on @peculiar/x509 and pkijs, @peculiar/x509 2 on eight @peculiar/asn1-* packages and
 * more), for what is 90 lines here, used only by `xos rehearse`.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x >>= 8) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let x = p >>> 7; x > 0; x >>>= 7) chunk.unshift((x & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && !(v[1] & 0x80)) v = v.subarray(1);
  if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface PluginCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** The certificate's DER, base64 without padding: the handshake line's last field. */
  readonly handshake: string;
}

/** A fresh key and certificate for `localhost`, valid from a minute ago for a day. */
export function pluginCertificate(now = new Date()): PluginCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.10'), tlv(0x0c, Buffer.from('xos rehearsal harness')))), set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('localhost')))));
  const extensions = seq(
    extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))), // basicConstraints: CA
    // keyUsage: digitalSignature, keyEncipherment, keyAgreement, keyCertSign (go-plugin's own set)
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0xac]))),
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.2'), oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: client, server
    extension('2.5.29.17', false, seq(tlv(0x82, Buffer.from('localhost')))), // subjectAltName: DNS localhost
  );
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ecdsaSha256,
    name,
    seq(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + 24 * 3600_000))),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const keyPem = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certPem: pem('CERTIFICATE', cert), keyPem, handshake: cert.toString('base64').replace(/=+$/, '') };
}
