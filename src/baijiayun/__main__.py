"""``python -m baijiayun``: the same as the ``baijiayun`` command."""

from .cli import main

if __name__ == "__main__":
    main()
