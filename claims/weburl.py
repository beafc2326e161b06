"""Web addresses as we store them: strictly checked, and in one normal form.

Every URL a person types — an article's original, a source, its archived copy — goes
through :func:`normalise` (model fields, forms and API inputs alike), so what we store
and show is always a URI as RFC 3986 defines it, the ``uri`` format of the API's schema:

- ``http`` or ``https`` with a host; no user name or password in it (a source is public);
- characters a URI can never contain — spaces and other whitespace, control characters,
  ``" < > \\ ^ ` { | }`` — are refused, not silently encoded: they mean a pasted fragment
  of HTML or text, not an address;
- the scheme and host in lower case, an international host name in its IDNA form
  (``bücher.example`` → ``xn--bcher-kva.example``), the default port dropped;
- the rest percent-encoded as a browser would send it: other characters as their UTF-8
  bytes (``Köln`` → ``K%C3%B6ln``), escapes in upper case, escaped letters and digits
  decoded, a stray ``%`` written ``%25``.

Pure string logic (no ORM); ``lenient=True`` encodes the refused characters instead, for
rows stored before these rules.
"""

from __future__ import annotations

import string
from ipaddress import IPv6Address
from urllib.parse import urlsplit, urlunsplit

import idna
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_LENGTH = 2000

UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
SUB_DELIMS = frozenset("!$&'()*+,;=")
# What may stand unencoded in a path; queries and fragments may also hold "/" and "?".
PATH_CHARS = UNRESERVED | SUB_DELIMS | frozenset(":@/")
QUERY_CHARS = PATH_CHARS | frozenset("?")
# ASCII characters no URI contains (RFC 3986 appendix A), besides whitespace and controls.
REFUSED = frozenset('"<>\\^`{|}')
HEX = frozenset(string.hexdigits)

_django_validator = URLValidator(schemes=list(SCHEMES))


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid")


def _check_characters(url: str) -> None:
    for char in url:
        if char.isspace() or ord(char) < 32 or ord(char) == 127:
            shown = "a space" if char == " " else f"the character U+{ord(char):04X}"
            raise _invalid(
                f"A web address cannot contain {shown}: check that you pasted only the "
                "address (write a space as %20)."
            )
        if char in REFUSED:
            raise _invalid(
                f"A web address cannot contain “{char}” (write it as %{ord(char):02X} if the "
                "page's address really has it)."
            )


def _encode(part: str, allowed: frozenset[str]) -> str:
    """Percent-encode ``part``: keep ``allowed``, normalise existing escapes."""
    out = []
    i = 0
    while i < len(part):
        char = part[i]
        if char == "%" and i + 2 < len(part) and set(part[i + 1 : i + 3]) <= HEX:
            decoded = chr(int(part[i + 1 : i + 3], 16))
            out.append(decoded if decoded in UNRESERVED else f"%{part[i + 1 : i + 3].upper()}")
            i += 3
            continue
        if char in allowed:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        i += 1
    return "".join(out)


def _host(hostname: str) -> str:
    if ":" in hostname:  # an IPv6 literal (urlsplit took off the brackets)
        try:
            return f"[{IPv6Address(hostname).compressed}]"
        except ValueError:
            raise _invalid(f"“{hostname}” is not a valid IPv6 address.") from None
    try:
        return idna.encode(hostname, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise _invalid(f"“{hostname}” is not a valid host name ({exc}).") from None


def normalise(url: str, *, lenient: bool = False) -> str:
    """``url`` in normal form, or ``ValidationError`` saying what is wrong with it."""
    url = (url or "").strip()
    if not lenient:
        _check_characters(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _invalid(f"This is not a valid web address ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _invalid("Enter a web address starting with http:// or https://.")
    if parts.username is not None or parts.password is not None:
        raise _invalid("A web address here cannot contain a user name or password.")
    if not parts.hostname:
        raise _invalid("Enter a web address with a host name, e.g. https://example.org/.")
    netloc = _host(parts.hostname)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    normal = urlunsplit(
        (
            scheme,
            netloc,
            _encode(parts.path, PATH_CHARS),
            _encode(parts.query, QUERY_CHARS),
            _encode(parts.fragment, QUERY_CHARS),
        )
    )
    if len(normal) > MAX_LENGTH:
        raise _invalid(f"A web address can be at most {MAX_LENGTH} characters long.")
    _django_validator(normal)  # host and TLD rules, as Django checks them
    return normal


def validate_normal(value: str) -> None:
    """A validator for stored values: refuse a URL that is not valid *and* normal (model
    fields, forms and API inputs normalise first, so only a bypass can meet this)."""
    if value and normalise(value) != value:
        raise _invalid(f"Enter the web address in its normal form: {normalise(value)}")


class WebURLFormField(forms.URLField):
    """A form's URL field that hands on the normal form (see :func:`normalise`)."""

    default_validators: list = []

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if value else value
