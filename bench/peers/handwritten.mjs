// The hand-written JS peer of bench/run.sh: what a partner would write instead of the SDK for the
// same work — validate a start input, build the request, send it with fetch, parse the answer; GET
// the attestation and parse it (checked fields, times normalised to UTC). No retries, no token
// handling: a bearer token is given. Used only by bench/js/bench.mjs.

const COUNTRIES = new Set('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'.split(' '));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@"]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}$/;
const LANGUAGE = /^([A-Za-z]{2,3})((?:-[A-Za-z0-9]{1,8})*)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BAD_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const STATUS = { 0: 'unknown', 1: 'pending_agreement_acceptance', 2: 'pending_finalization' };

/** Thrown on a bad input or answer. */
export class HandError extends Error {}

function name(v, pointer, out) {
  if (typeof v !== 'string' || v.trim() === '' || BAD_CHARS.test(v)) out.push(pointer);
  return typeof v === 'string' ? v.trim() : v;
}

/** Validates and normalises a start body; throws HandError naming every bad field. */
export function validateStart(input, now = Date.now()) {
  const bad = [];
  const s = input?.signer ?? {};
  const firstName = name(s.firstName, '/signer/firstName', bad);
  const lastName = name(s.lastName, '/signer/lastName', bad);
  const emailAddress = typeof s.emailAddress === 'string' ? s.emailAddress.trim() : '';
  if (!EMAIL.test(emailAddress)) bad.push('/signer/emailAddress');
  let phoneNumber = '';
  if (typeof s.phoneNumber === 'string' && s.phoneNumber.trim().startsWith('+')) {
    const digits = s.phoneNumber.trim().slice(1).replace(/\(0\)/, '').replace(/[\s.\-()]/g, '');
    if (/^\d{7,15}$/.test(digits)) phoneNumber = '+' + digits;
  }
  if (!phoneNumber) bad.push('/signer/phoneNumber');
  let language = 'en-US';
  if (input?.language != null) {
    const m = LANGUAGE.exec(String(input.language));
    if (!m) bad.push('/language');
    else language = m[1].toLowerCase() + m[2].split('-').slice(1).map((p) => '-' + (p.length === 2 ? p.toUpperCase() : p.length === 4 ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p.toLowerCase())).join('');
  }
  const country = typeof input?.country === 'string' ? input.country.toUpperCase() : '';
  if (!COUNTRIES.has(country)) bad.push('/country');
  let acceptanceDate = '';
  const raw = input?.acceptanceDate instanceof Date ? input.acceptanceDate.toISOString() : input?.acceptanceDate;
  const t = typeof raw === 'string' && RFC3339.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t) || t > now + 5 * 60_000) bad.push('/acceptanceDate');
  else acceptanceDate = new Date(t).toISOString();
  if (bad.length) throw new HandError('invalid: ' + bad.join(', '));
  return { signer: { firstName, lastName, emailAddress, phoneNumber }, language, country, acceptanceDate };
}

function str(o, k) {
  if (typeof o?.[k] !== 'string') throw new HandError('decode: ' + k);
  return o[k];
}

function time(o, k) {
  const t = Date.parse(str(o, k));
  if (Number.isNaN(t)) throw new HandError('decode: ' + k);
  return new Date(t).toISOString();
}

/** A hand-written client: the same calls as the SDK's, without retries or token renewal. */
export class HandClient {
  #base;
  #headers;
  #fetch;

  constructor({ baseUrl, resellerId, token, fetch = globalThis.fetch }) {
    if (!GUID.test(resellerId)) throw new HandError('config: resellerId');
    this.#base = baseUrl.replace(/\/?$/, '/') + 'api/resellers/' + resellerId.toLowerCase() + '/organizations/';
    this.#headers = { authorization: 'Bearer ' + token, accept: 'application/json', 'user-agent': 'hand/1.0' };
    this.#fetch = fetch;
  }

  #url(org, tail) {
    if (!GUID.test(org)) throw new HandError('invalid: organizationId');
    return this.#base + org.toLowerCase() + '/services/' + tail;
  }

  async #json(res) {
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new HandError('api: ' + res.status);
    return JSON.parse(text);
  }

  async startAttestation(org, input) {
    const body = JSON.stringify(validateStart(input));
    const res = await this.#fetch(this.#url(org, 'csp/mca/attestation'), {
      method: 'POST', headers: { ...this.#headers, 'content-type': 'application/json' }, body, redirect: 'manual',
    });
    const o = await this.#json(res);
    return { attestationId: str(o, 'attestationId'), agreementLink: str(o, 'agreementLink'), expiresAt: time(o, 'expiresAt') };
  }

  async getAttestation(org) {
    const res = await this.#fetch(this.#url(org, 'csp/mca/attestation'), { method: 'GET', headers: this.#headers, redirect: 'manual' });
    if (res.status === 404) { await res.text(); return null; }
    const o = await this.#json(res);
    const s = o.signer ?? {};
    const m = o.mcaInfo ?? {};
    if (!Number.isInteger(o.status)) throw new HandError('decode: status');
    const expiresAt = time(o, 'expiresAt');
    return {
      attestationId: str(o, 'attestationId'),
      signer: { firstName: str(s, 'firstName'), lastName: str(s, 'lastName'), emailAddress: str(s, 'emailAddress'), phoneNumber: str(s, 'phoneNumber') },
      mcaInfo: { language: str(m, 'language'), country: str(m, 'country'), templateId: str(m, 'templateId') },
      acceptanceDate: time(o, 'acceptanceDate'),
      status: STATUS[o.status] ?? 'unknown',
      statusCode: o.status,
      agreementLink: str(o, 'agreementLink'),
      expiresAt,
      expired: Date.parse(expiresAt) <= Date.now(),
    };
  }

  async getAcceptance(org) {
    const res = await this.#fetch(this.#url(org, 'csp/mca/acceptance'), { method: 'GET', headers: this.#headers, redirect: 'manual' });
    const o = await this.#json(res);
    if (typeof o.accepted !== 'boolean') throw new HandError('decode: accepted');
    return o;
  }
}
