// biome-ignore-all lint: ServiceNow runs this as ES5 (global scope, Rhino): no templates, arrows or trailing commas.
// biome-ignore-all format: the formatter would add trailing commas in calls, a syntax error in ES5.
/*
 * Helpdesk Verify: tell Helpdesk Verify that an incident was created.
 *
 * Business rule settings (see README.md in this folder):
 *   Table: Incident [incident]    Advanced: true    When: async    Insert: true (only)
 *
 * It posts {"table","sys_id","number","operation":"insert"} to the connection's webhook URL, signed
 * with the shared secret:
 *   X-Helpdesk-Verify-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
 * Helpdesk Verify then reads the incident back through the Table API; nothing else is trusted.
 *
 * Configuration (System Properties, sys_properties):
 *   helpdesk_verify.webhook_url          https://<api host>/webhooks/<connection id>
 *   helpdesk_verify.credential_alias     sys_id of a Connection & Credential Alias (type Credential)
 *                                        whose Basic Auth credential holds the secret as its password
 *                                        (recommended), or, if that is empty,
 *   helpdesk_verify.webhook_secret       the secret itself (restrict its read roles to admin)
 *
 * Notes for reviewers:
 * - GlideCertificateEncryption.generateMac(key, 'HmacSHA256', data) takes the key Base64 encoded and
 *   returns the MAC Base64 encoded; Helpdesk Verify expects hex, so the Base64 is converted to hex
 *   below in plain JavaScript (no Java byte arrays involved).
 * - The body is kept ASCII (\uXXXX escapes) so the bytes signed are the bytes sent, whatever
 *   charset the platform uses to turn strings into bytes.
 * - The secret, the key and the signature are never logged.
 * - Global scope (GlideCertificateEncryption; in a scoped app use sn_ws / CertificateEncryption).
 */
(function executeRule(current, previous /* null in async rules */) {
  var LOG_SOURCE = 'HelpdeskVerify';
  var RETRY_DELAYS_MS = [2000, 8000];

  var endpoint = String(gs.getProperty('helpdesk_verify.webhook_url', '') || '');
  if (!/^https:\/\//.test(endpoint)) {
    gs.error('Helpdesk Verify: helpdesk_verify.webhook_url is missing or not https; not notified of ' +
      current.getValue('number'), LOG_SOURCE);
    return;
  }
  var secret = readSecret();
  if (!secret) {
    gs.error('Helpdesk Verify: no webhook secret configured; not notified of ' + current.getValue('number'),
      LOG_SOURCE);
    return;
  }

  var body = asciiJson({
    table: String(current.getTableName()),
    sys_id: String(current.getUniqueValue()),
    number: String(current.getValue('number')),
    operation: 'insert'
  });

  for (var attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
    var status = send(body);
    // 2xx: received. 4xx: refused for good (a wrong secret or URL: see the README's troubleshooting).
    if (status >= 200 && status < 500) {
      if (status >= 300) {
        gs.warn('Helpdesk Verify: webhook for ' + current.getValue('number') + ' refused with HTTP ' + status,
          LOG_SOURCE);
      }
      return;
    }
    if (attempt < RETRY_DELAYS_MS.length) gs.sleep(RETRY_DELAYS_MS[attempt]);
  }
  gs.error('Helpdesk Verify: webhook for ' + current.getValue('number') + ' failed after ' +
    (RETRY_DELAYS_MS.length + 1) + ' attempts (last status ' + status + ')', LOG_SOURCE);

  /** One signed delivery (a fresh timestamp each time); the HTTP status, 0 when nothing answered. */
  function send(payload) {
    try {
      var t = String(Math.floor(new Date().getTime() / 1000));
      var request = new sn_ws.RESTMessageV2();
      request.setEndpoint(endpoint);
      request.setHttpMethod('post');
      request.setRequestHeader('Content-Type', 'application/json');
      request.setRequestHeader('X-Helpdesk-Verify-Signature', 't=' + t + ',v1=' + sign(t + '.' + payload));
      request.setRequestBody(payload);
      request.setHttpTimeout(10000);
      var response = request.executeAsync();
      response.waitForResponse(30);
      return Number(response.getStatusCode()) || 0;
    } catch (e) {
      // The message may describe the connection, never the secret (it is not part of the request).
      gs.warn('Helpdesk Verify: webhook for ' + current.getValue('number') + ' not delivered: ' + e, LOG_SOURCE);
      return 0;
    }
  }

  /** HMAC-SHA256 of `data` with the secret, as 64 lowercase hex characters. */
  function sign(data) {
    var key = GlideStringUtil.base64Encode(secret); // generateMac wants the key Base64 encoded
    var mac = new GlideCertificateEncryption().generateMac(key, 'HmacSHA256', data); // returns Base64
    var hex = base64ToHex(String(mac));
    if (!/^[0-9a-f]{64}$/.test(hex)) throw 'the HMAC could not be computed';
    return hex;
  }

  function readSecret() {
    var aliasId = String(gs.getProperty('helpdesk_verify.credential_alias', '') || '');
    if (aliasId) {
      var credential = new sn_cc.StandardCredentialsProvider().getCredentialByAliasID(aliasId);
      return credential ? String(credential.getAttribute('password') || '') : '';
    }
    return String(gs.getProperty('helpdesk_verify.webhook_secret', '') || '');
  }

  /** Standard Base64 (padding and line breaks tolerated) to lowercase hex. */
  function base64ToHex(b64) {
    var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    var clean = b64.replace(/[^A-Za-z0-9+\/]/g, '');
    var hex = '';
    var bits = 0;
    var value = 0;
    for (var i = 0; i < clean.length; i++) {
      value = ((value << 6) | alphabet.indexOf(clean.charAt(i))) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        var octet = (value >> bits) & 0xff;
        hex += (octet < 16 ? '0' : '') + octet.toString(16);
      }
    }
    return hex;
  }

  /** JSON with every non-ASCII character escaped, so its UTF-8 bytes equal its characters. */
  function asciiJson(value) {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, function (c) {
      return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
})(current, previous);
