"""State several groups read and write, below the groups: each module has a service of its
own (its tables), which the groups that read it list in ``Service(uses=...)``. A state
module imports the core and state below it, never a group."""
