"""What other apps may follow as it happens here (Django signals).

`placements.services` sends them inside the transaction that saves the change, with the stay as
`placement`: a receiver that raises rolls the whole change back.

- `stay_started`: a stay was saved (an assignment, or the new stay of a transfer);
- `stay_ended`: a stay's end was saved (an exit, or the old stay of a transfer);
- `stays_started`, `stays_ended`: the same for many stays saved together (past records brought
  in by an import), sent once with the list as `placements`, so that a receiver acts once for
  the lot. A receiver of one of the single signals connects to its plural too.

The visits app plans a newcomer's visits and cancels those of someone who left.
"""

from django.dispatch import Signal

stay_started = Signal()
stay_ended = Signal()
stays_started = Signal()
stays_ended = Signal()
