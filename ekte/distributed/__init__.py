"""ekte on Dask distributed: many hosts, one coordinator.

=============  ===========================================================
fingerprint    what a worker must share with the coordinator (versions,
               language data), advertised as Dask resources
worker         the worker side: the preload, the run's plugin, the task
executor       the coordinator side: :class:`DaskExecutor`
=============  ===========================================================

``--executor dask`` selects it (``ekte ingest``, ``import-xdomea``,
``watch``); see README "Many hosts: ekte on Dask".
"""
