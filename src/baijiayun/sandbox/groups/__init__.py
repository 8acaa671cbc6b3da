"""One module per SDK group, named as the group's client attribute (``groups/room.py``
emulates ``client.room``). A group module imports the core and the shared state
(``sandbox/state/``), never another group; the core finds each by its name."""
