// TLS probe: the peer certificate and how many days it has left.
import { isIP } from 'node:net';
import { connect } from 'node:tls';
import { timed, type ProbeResult } from './result.ts';

export interface CertificateFacts {
  subject: string;
  validTo: string;
  daysLeft: number;
}

export function probeCertificate(host: string, port: number, timeoutMs = 5_000): Promise<ProbeResult<CertificateFacts>> {
  return timed(`tls ${host}:${port}`, () => new Promise((resolve, reject) => {
    // The point is to read the certificate even when it is untrusted or expired.
    const socket = connect({ host, port, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert?.valid_to) return reject(new Error('the server presented no certificate'));
      const daysLeft = Math.floor((Date.parse(cert.valid_to) - Date.now()) / 86_400_000);
      const subject = typeof cert.subject?.CN === 'string' ? cert.subject.CN : JSON.stringify(cert.subject);
      resolve({ detail: `CN=${subject} valid to ${cert.valid_to} (${daysLeft} days left)`, value: { subject, validTo: cert.valid_to, daysLeft } });
    });
    socket.once('error', reject);
  }));
}
