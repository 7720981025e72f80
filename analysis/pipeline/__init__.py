"""The build pipeline, one stage per module, run in order by :func:`analysis.build.build`.

Each stage is a function ``stage(ctx: BuildContext) -> None`` that reads what
earlier stages left in the context, writes its result files into ``ctx.out``
and registers its numbers in ``ctx.registry``. Adding a stage means adding a
module and naming it in :data:`analysis.build.STAGES`.
"""
