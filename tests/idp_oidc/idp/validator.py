"""What the test provider says in its tokens: the claims and the hostile mode of control.json.

control.json (written by the tests between logins)::

    {"users": {"anna": {"sub": "a-123", "email": "anna@ki.se", ...}}, "mode": ""}

``users`` gives each user's claims (in the id_token and at the userinfo endpoint). ``mode``
makes the provider issue a real, signed, but hostile id_token, which the portal must refuse:

- ``wrong-audience``: issued to another client (``aud``);
- ``expired``: its ``exp`` passed ten minutes ago;
- ``wrong-nonce``: a nonce other than the one the portal sent;
- ``forged``: signed, then its claims changed (another ``sub``) so the signature no longer holds;
- ``wrong-issuer``: ``iss`` names another provider.
"""

import base64
import json
import time

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def control() -> dict:
    try:
        return json.loads((settings.IDP_DIR / "control.json").read_text())
    except FileNotFoundError:
        return {}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Validator(OAuth2Validator):
    # Every claim of control.json whatever the scopes (a test provider: the portal asks for them all).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(control().get("users", {}).get(request.user.get_username(), {}))

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        mode = control().get("mode", "")
        if mode == "expired":
            claims["exp"] = int(time.time()) - 600
        elif mode == "wrong-issuer":
            claims["iss"] = "https://impostor.example.org/o"
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        mode = control().get("mode", "")
        if mode == "wrong-audience":
            id_token["aud"] = "another-client"
        elif mode == "wrong-nonce":
            id_token["nonce"] = "not-the-nonce-the-portal-sent"
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if mode == "forged":
            header, payload, signature = signed.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["sub"] = "someone-else"
            signed = ".".join([header, _b64(json.dumps(claims).encode()), signature])
        return signed
