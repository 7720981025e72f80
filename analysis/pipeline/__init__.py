"""The build's stages, one per module, run in order by :func:`analysis.pipeline.run.run_stages`.

Each stage is a function ``stage(ctx: BuildContext) -> None`` that writes part of
what the engine computed (``ctx.results``, :func:`analysis.engine.analyse`) into
``ctx.out`` and registers its numbers in ``ctx.registry``. Adding a stage means
adding a module and naming it in :data:`analysis.pipeline.run.ENGINE_STAGES`, or,
for a stage only some builds run, in :func:`analysis.build.stages`.
"""
