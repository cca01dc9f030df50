"""The pages of the app, one module per domain (the URLs in `harmreduction.urls` name them):

- `vouchers`: the weekly voucher sheet and the voucher stock;
- `supplies`: the material, its stock pages and handing out (naloxone kits included);
- `activities`: overdoses, collections of used material, advice and drug checking;
- `common`: who may do what, and the helpers the three share.
"""

from django.urls import reverse


class RowUrl:
    """An address reversed once with a placeholder id, then given each row's id: `url(pk)`.
    A list that reverses each row's links with `{% url %}` spends more on them than on the
    rest of the row."""

    PLACEHOLDER = 987654321  # a number no row has

    def __init__(self, name: str, *, query: str = ""):
        self.pattern = reverse(name, args=[self.PLACEHOLDER]) + (f"?{query}" if query else "")

    def __call__(self, pk: int) -> str:
        return self.pattern.replace(str(self.PLACEHOLDER), str(pk), 1)
