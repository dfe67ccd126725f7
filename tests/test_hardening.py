"""Hardening: security headers, production settings that pass `check --deploy`, secrets from the environment only,
request body limits, malformed input refused with a clear message, throttling per role."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from predictions.models import AuditLog, Evidence, LedgerEntry, Prediction, Resolution

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/api/v1/predictions/", "/api/docs/", "/admin/login/", "/api/schema/", "/"])
def test_security_headers(anon_client, url):
    r = anon_client.get(url)
    assert r.status_code == 200
    if r["Content-Type"].startswith("text/html"):  # nothing inline that the policy would block
        html = r.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
        assert " style=" not in html and " onclick=" not in html and " onload=" not in html
    policy = csp(r)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline scripts, no eval, no CDN
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert not any("unsafe" in v for values in policy.values() for v in values)
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_docs_load_only_from_this_site(anon_client):
    """Swagger UI comes from drf-spectacular-sidecar, its init script from a URL (no inline script), and the one
    inline <style> of the page is allowed by its hash in the policy."""
    r = anon_client.get("/api/docs/")
    html = r.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert not re.search(r"<script>(?!\s*</script>)", html), "an inline script would be blocked by the CSP"
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in styles}
    assert hashes <= set(csp(r)["style-src"])
    from django.contrib.staticfiles import finders

    for source in sources:
        if source.startswith(settings.STATIC_URL) or source.startswith("/" + settings.STATIC_URL):
            assert finders.find(source.split(settings.STATIC_URL, 1)[1]), source  # shipped with the app
        else:
            assert anon_client.get(source).status_code == 200, source


def _production_env(**extra) -> dict:
    # A clean deployment environment: none of the test run's Django switches (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS") and not k.startswith("DJANGO_")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "project.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "example.org",
            **extra,
        }
    )
    return env


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/api/schema/", HTTP_HOST="example.org")
secure = client.get("/api/schema/", HTTP_HOST="example.org", secure=True)
print(json.dumps({
    "secret_key_from_env": settings.SECRET_KEY == __import__("os").environ["SECRET_KEY"],
    "debug": settings.DEBUG,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "nosniff": secure.get("X-Content-Type-Options", ""),
    "referrer": secure.get("Referrer-Policy", ""),
}))
"""


def test_production_headers_hsts_and_https_redirect():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["secret_key_from_env"] and seen["debug"] is False
    assert seen["plain_status"] == 301 and seen["plain_location"].startswith("https://example.org/")
    assert seen["secure_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in seen["csp"]
    assert seen["nosniff"] == "nosniff" and seen["referrer"] == "same-origin"


def test_no_secret_is_written_in_the_settings():
    for path in (ROOT / "project" / "settings").glob("*.py"):
        text = path.read_text()
        for line in text.splitlines():
            if re.match(r"\s*SECRET_KEY\s*=", line) and path.name not in ("local.py", "test.py"):
                assert "env(" in line or "SECRET_KEY or" in line, f"{path.name}: {line}"
    assert "environ" in (ROOT / "project" / "settings" / "base.py").read_text()


# --- Bad input changes nothing ---


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Prediction, Evidence, Resolution, LedgerEntry, AuditLog)}


@override_settings(REQUEST_BODY_MAX_BYTES=2_000)
def test_oversized_bodies_are_refused(editor_client, published):
    before = counts()
    big = {"statement": "x" * 5_000, "revision_reason": "long"}
    r = editor_client.patch(f"/api/v1/predictions/{published.pk}/", big, format="json")
    assert r.status_code in (400, 413)
    assert "too large" in r.json()["detail"] and "2000 bytes" in r.json()["detail"]
    r = editor_client.post("/api/v1/predictions/", {"statement": "y" * 3_000}, format="json")
    assert r.status_code in (400, 413)
    assert counts() == before


def test_a_malformed_content_length_is_refused(editor_client):
    r = editor_client.post("/api/v1/pundits/", "{}", content_type="application/json", CONTENT_LENGTH="12abc")
    assert r.status_code == 400


MALFORMED = {
    "truncated json": '{"statement": "x", ',
    "not json": "statement=x",
    "a list": "[1, 2, 3]",
    "a bare string": '"hello"',
    "deep nesting": "[" * 5_000 + "]" * 5_000,
    "nan probability": '{"pundit": "ann-lee", "statement": "x", "made_at": "2020-01-01T00:00:00Z", '
    '"resolve_by": "2020-02-01", "probability": NaN}',
    "infinite probability": '{"pundit": "ann-lee", "statement": "x", "made_at": "2020-01-01T00:00:00Z", '
    '"resolve_by": "2020-02-01", "probability": 1e999}',
    "nul in text": '{"pundit": "ann-lee", "statement": "x\\u0000y", "made_at": "2020-01-01T00:00:00Z", '
    '"resolve_by": "2020-02-01", "probability": 0.5}',
    "bad date": '{"pundit": "ann-lee", "statement": "x", "made_at": "yesterday", "resolve_by": "2020-02-31", '
    '"probability": 0.5}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("where", ["create", "patch", "resolve", "withdraw"])
def test_malformed_requests_get_a_clear_400(editor_client, published, body, where):
    url = {
        "create": "/api/v1/predictions/",
        "patch": f"/api/v1/predictions/{published.pk}/",
        "resolve": f"/api/v1/predictions/{published.pk}/resolution/",
        "withdraw": f"/api/v1/predictions/{published.pk}/withdraw/",
    }[where]
    method = "patch" if where == "patch" else "post"
    before = counts()
    r = getattr(editor_client, method)(url, body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()  # a message: {"detail": ...} or one per field
    assert counts() == before


def test_non_utf8_and_wrong_content_types_are_refused(editor_client, published):
    before = counts()
    r = editor_client.post("/api/v1/predictions/", b'{"statement": "\xff\xfe"}', content_type="application/json")
    assert r.status_code == 400
    r = editor_client.post(f"/api/v1/predictions/{published.pk}/withdraw/", "reason", content_type="text/plain")
    assert r.status_code == 415
    assert counts() == before


# --- Throttling per role ---


@pytest.fixture
def low_rates():
    cache.clear()
    rates = {"anon": "2/min", "consumer": "3/min", "editor": "4/min"}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        yield rates
    cache.clear()


def test_throttling_per_role(low_rates, role_clients, published):
    url = "/api/v1/ledger/"
    for role, allowed in (("anon", 2), ("consumer", 3), ("editor", 4)):
        client = role_clients[role]
        assert [client.get(url).status_code for _ in range(allowed)] == [200] * allowed
        throttled = client.get(url)
        assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    editor_write = role_clients["editor"].post(f"/api/v1/predictions/{published.pk}/withdraw/", {"reason": "x"})
    assert editor_write.status_code == 429
    assert Prediction.objects.get(pk=published.pk).status == "published"
    assert [role_clients["admin"].get(url).status_code for _ in range(10)] == [200] * 10
