"""Keyword rules: a reply that is exactly a keyword (STOP, PARAR, START, AIDE...) opts the
number out or back in, or asks for help, and may be answered with the rule's auto-reply.

Matching is on the whole message, trimmed, ignoring case, accents and surrounding punctuation:
"Sair " and "arrêter" match, "stop sending me this" does not."""

from __future__ import annotations

import logging
import re
import unicodedata

from django.db import transaction

from campaigns.models import Account, KeywordRule

log = logging.getLogger(__name__)

Action = KeywordRule.Action

_EN_OUT = "You are unsubscribed and will get no more messages. Reply START to subscribe again."
_PT_OUT = "Você não receberá mais mensagens. Responda VOLTAR para voltar a receber."
_FR_OUT = "Vous ne recevrez plus de messages. Répondez COMMENCER pour vous réabonner."
_EN_IN = "You are subscribed again. Reply STOP to unsubscribe."
_PT_IN = "Você voltou a receber mensagens. Responda PARAR para sair."
_FR_IN = "Vous êtes à nouveau abonné. Répondez ARRET pour vous désabonner."
_EN_HELP = "Reply STOP to unsubscribe, START to subscribe again."
_PT_HELP = "Responda PARAR para sair, VOLTAR para voltar a receber."
_FR_HELP = "Répondez ARRET pour vous désabonner, COMMENCER pour vous réabonner."

DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    *((word, Action.OPT_OUT, _EN_OUT) for word in ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT OUT")),
    *((word, Action.OPT_OUT, _PT_OUT) for word in ("PARAR", "SAIR")),
    *((word, Action.OPT_OUT, _FR_OUT) for word in ("ARRET", "ARRETER")),
    *((word, Action.OPT_IN, _EN_IN) for word in ("START", "UNSTOP")),
    *((word, Action.OPT_IN, _PT_IN) for word in ("VOLTAR", "INICIAR")),
    *((word, Action.OPT_IN, _FR_IN) for word in ("COMMENCER", "REPRENDRE")),
    ("HELP", Action.HELP, _EN_HELP),
    ("AJUDA", Action.HELP, _PT_HELP),
    ("AIDE", Action.HELP, _FR_HELP),
)

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """ " Arrêter! " -> "ARRETER": no accents, upper case, inner spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _EDGES.sub("", plain.strip())).upper()


def ensure_defaults(account_id: int) -> None:
    """Every account has the default rules without setting anything up (made on first use)."""
    if KeywordRule.objects.filter(account_id=account_id).exists():
        return
    rows = [
        KeywordRule(account_id=account_id, keyword=word, normalized=normalize(word), action=action, reply_text=reply)
        for word, action, reply in DEFAULT_RULES
    ]
    with transaction.atomic():
        # bulk_create sends no signals: the defaults are not an admin's change to audit.
        KeywordRule.objects.bulk_create(rows, ignore_conflicts=True)


def rules_for(account: Account | int):
    account_id = account if isinstance(account, int) else account.pk
    ensure_defaults(account_id)
    return KeywordRule.objects.filter(account_id=account_id)


def match(account_id: int, text: str) -> KeywordRule | None:
    """The active rule the whole message is, or None."""
    word = normalize(text)
    if not word or len(word) > 40:
        return None
    return rules_for(account_id).filter(normalized=word, is_active=True).first()
