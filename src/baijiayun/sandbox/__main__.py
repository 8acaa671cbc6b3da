"""``python -m baijiayun.sandbox``: the same as ``baijiayun sandbox``."""

from ..cli._sandbox import sandbox

if __name__ == "__main__":
    sandbox.main(prog_name="python -m baijiayun.sandbox")
