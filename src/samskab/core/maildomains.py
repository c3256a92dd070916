"""E-mail domains as organisations are recognised by them.

An organisation owns its domain and every sub-domain (`jens@jura.kl.dk` is KL's when KL owns
`kl.dk`), so an address is tried from its most specific domain up. Free-mail providers
(gmail.com, hotmail.dk, …) never identify an organisation: anybody can have an address there,
so they are never owned, never recognised and never inferred from a party's address.
"""

from __future__ import annotations

# Public free-mail and ISP mail services seen in Danish consultations (and the large
# international ones). A sub-domain of one of these is free mail too.
FREE_MAIL_DOMAINS = frozenset({
    # international
    "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.com",
    "gmx.net", "gmx.de", "web.de", "mail.com", "protonmail.com", "proton.me", "pm.me",
    "tutanota.com", "tuta.io", "zoho.com", "yandex.com", "fastmail.com", "hey.com",
    "hotmail.co.uk", "yahoo.co.uk", "outlook.de", "hotmail.de", "hotmail.se", "hotmail.no",
    # Danish
    "hotmail.dk", "live.dk", "outlook.dk", "yahoo.dk", "mail.dk", "jubii.dk", "ofir.dk",
    "sol.dk", "get2net.dk", "stofanet.dk", "webspeed.dk", "tdcadsl.dk", "youmail.dk",
    "post.tele.dk", "privat.dk", "email.dk", "forum.dk", "city.dk", "mail.tele.dk",
    "c.dk", "image.dk", "worldonline.dk", "fiberpost.dk", "kabelmail.dk", "youseepost.dk",
})


def email_domain(address: str) -> str:
    """The domain of an e-mail address, lower case, without a trailing dot; "" for none."""
    if "@" not in (address or ""):
        return ""
    return address.rpartition("@")[2].strip().lower().rstrip(".")


def is_free_mail(domain: str) -> bool:
    """Whether `domain` is a free-mail provider's (or a sub-domain of one)."""
    parts = (domain or "").strip().lower().rstrip(".").split(".")
    return any(".".join(parts[i:]) in FREE_MAIL_DOMAINS for i in range(len(parts)))


def domain_candidates(address: str) -> list[str]:
    """The domains an address may belong to, most specific first (`a@x.kl.dk` → `x.kl.dk`,
    `kl.dk`); none for a free-mail address or one without a domain."""
    domain = email_domain(address)
    if not domain or "." not in domain or is_free_mail(domain):
        return []
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]
