import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { hasInvisibleCharacters } from '../text/text-rules';

export const URL_MAX = 2000;

/** Addresses a webhook must never reach in production: private, loopback, link-local, reserved. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
  // Forms that carry an IPv4 address inside (which may be private) or are deprecated local
  // scopes: IPv4-compatible, SIIT, local-use NAT64, Teredo, 6to4, site-local.
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b:1::', 48], ['2001::', 32], ['2002::', 16], ['fec0::', 10],
] as const) blocked.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is one a webhook may reach in production (public unicast only). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  return !blocked.check(address, 'ipv6');
}

export interface UrlPolicy {
  /** ALLOW_INSECURE_WEBHOOKS: http:// and private or loopback addresses allowed (tests, development). */
  allowInsecure: boolean;
  /** How host names are resolved; injectable so tests can play a DNS change. */
  resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = async (host: string) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export type UrlCheck = { ok: true; url: URL; addresses: string[] | null } | { ok: false; reason: string };

/** The syntax part of the rule: an absolute http(s) URL without credentials, https unless insecure is allowed. */
export function checkUrlSyntax(raw: string, policy: UrlPolicy): { ok: true; url: URL } | { ok: false; reason: string } {
  if (raw.length > URL_MAX) return { ok: false, reason: `The URL must be at most ${URL_MAX} characters.` };
  // The URL parser drops invisible characters from host names, so `ho\u200bok.example` would be
  // stored as another host than the one shown: refused, as in emails and names.
  if (hasInvisibleCharacters(raw)) return { ok: false, reason: 'The URL may not contain invisible or direction-changing characters.' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Not an absolute URL.' };
  }
  const allowed = policy.allowInsecure ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) return { ok: false, reason: policy.allowInsecure ? 'The URL must use https or http.' : 'The URL must use https.' };
  if (url.username || url.password) return { ok: false, reason: 'The URL must not carry credentials.' };
  return { ok: true, url };
}

/**
 * The whole rule, run at creation and again before every delivery attempt (DNS can change):
 * every address the host resolves to must be public, unless insecure webhooks are allowed.
 * Returns the checked addresses so the request connects to exactly those (no second lookup).
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  const syntax = checkUrlSyntax(raw, policy);
  if (!syntax.ok) return syntax;
  if (policy.allowInsecure) return { ok: true, url: syntax.url, addresses: null };
  const host = syntax.url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch {
      return { ok: false, reason: 'The host name does not resolve.' };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'The host name does not resolve.' };
  if (!addresses.every(isPublicAddress)) return { ok: false, reason: 'The URL must not lead to a private, loopback or link-local address.' };
  return { ok: true, url: syntax.url, addresses };
}
