"""What other apps may follow as it happens here (Django signals).

`placements.services` sends them inside the transaction that saves the change, with the stay as
`placement`: a receiver that raises rolls the whole change back.

- `stay_started`: a stay was saved (an assignment, or the new stay of a transfer);
- `stay_ended`: a stay's end was saved (an exit, or the old stay of a transfer).

The visits app plans a newcomer's visits and cancels those of someone who left.
"""

from django.dispatch import Signal

stay_started = Signal()
stay_ended = Signal()
