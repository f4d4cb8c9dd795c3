"""Cards: list, add (a UID the driver has, or a card the back end issues), rename, block."""

from __future__ import annotations

from dataclasses import dataclass

from app.context import AppContext
from app.viewmodels.base import ViewModel, error_message
from app.viewmodels.by_account import AccountFilter
from app.viewmodels.charging_vm import UID_RE
from services.models import Card, CardStatus
from services.provider import Capability, ProviderError


@dataclass(frozen=True)
class CardTarget:
    """An account the driver may add a card to."""

    account_id: str
    name: str
    takes_uid: bool  # the driver's card by its UID; False: the back end issues a card


def normalise_uid(text: str) -> str:
    """Readers and people type UIDs with spaces or colons; the APIs want bare hex."""
    return "".join(ch for ch in text.strip() if ch not in " :-").upper()


def uid_problem(uid: str) -> str | None:
    """None when valid, else a catalogue key naming the rule that failed."""
    if not uid:
        return "cards.uid_required"
    if any(ch not in "0123456789ABCDEF" for ch in uid):
        return "cards.uid_not_hex"
    if len(uid) not in (8, 14, 20):
        return "cards.uid_length"
    return None


class CardsViewModel(ViewModel):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.cards: list[Card] = []
        self.message: str | None = None  # last success, for a snack bar
        self.by_account = AccountFilter(ctx)  # over several accounts: one account's cards
        self.add_to: str | None = None  # the account a new card goes to, when several

    async def load(self) -> None:
        if not self.ctx.logged_in:
            self.cards = []
            self.notify()
            return
        self.busy, self.error = True, None
        self.notify()
        try:
            self.cards = await self.ctx.provider.list_cards()
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
        finally:
            self.busy = False
            self.notify()

    @property
    def asks_for_uid(self) -> bool:
        """Whether the back end registers a card the driver already has (its UID), or
        issues a new one itself (then the driver is never asked for a UID)."""
        target = self.target()
        if target is not None:
            return target.takes_uid
        return self.ctx.can(Capability.CHOOSE_CARD_UID)

    def add_accounts(self) -> list[CardTarget]:
        """Over several accounts: those a card can be added to, in the driver's order."""
        listed = getattr(self.ctx.provider, "card_accounts", None)
        if not self.ctx.merged or listed is None:
            return []
        return [CardTarget(c.account_id, self.ctx.account_name(c.account_id) or c.account_id,
                           c.takes_uid) for c in listed()]

    def target(self) -> CardTarget | None:
        """The account a new card goes to: the one picked, else the first that can."""
        targets = self.add_accounts()
        return next((c for c in targets if c.account_id == self.add_to),
                    targets[0] if targets else None)

    def choose_account(self, account_id: str) -> None:
        self.add_to = account_id
        self.notify()

    def validate_uid(self, text: str) -> str | None:
        problem = uid_problem(normalise_uid(text))
        return self.ctx.t(problem) if problem else None

    async def add(self, uid_text: str | None, label: str | None) -> bool:
        label = (label or "").strip() or None
        target = self.target()
        routed = {"account_id": target.account_id} if target is not None else {}
        if not self.asks_for_uid:
            return await self._do(
                self.ctx.provider.add_card("", label, **routed), "cards.issued", append=True
            )
        uid = normalise_uid(uid_text or "")
        problem = uid_problem(uid)
        if problem:
            self.error = self.ctx.t(problem)
            self.notify()
            return False
        assert UID_RE.match(uid)
        return await self._do(self.ctx.provider.add_card(uid, label, **routed), "cards.added",
                              append=True)

    async def rename(self, card_id: str, label: str) -> bool:
        label = label.strip()
        if not label:
            self.error = self.ctx.t("cards.label_required")
            self.notify()
            return False
        return await self._do(self.ctx.provider.rename_card(card_id, label), "cards.renamed")

    async def block(self, card_id: str) -> bool:
        return await self._do(self.ctx.provider.block_card(card_id), "cards.blocked_msg")

    async def unblock(self, card_id: str) -> bool:
        return await self._do(self.ctx.provider.unblock_card(card_id), "cards.unblocked_msg")

    async def _do(self, call, message_key: str, append: bool = False) -> bool:
        self.busy, self.error, self.message = True, None, None
        self.notify()
        try:
            card = await call
        except ProviderError as exc:
            self.error = error_message(self.ctx.t, exc)
            return False
        else:
            if append:
                self.cards.append(card)
            else:
                self.cards = [card if c.id == card.id else c for c in self.cards]
            self.message = self.ctx.t(
                message_key, label=card.label or card.uid, number=card.number or card.uid
            )
            return True
        finally:
            self.busy = False
            self.notify()

    def get(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)

    @staticmethod
    def is_blocked(card: Card) -> bool:
        return card.status is CardStatus.BLOCKED
