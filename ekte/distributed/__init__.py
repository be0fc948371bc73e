"""ekte on Dask distributed: many hosts, one coordinator.

=============  ===========================================================
fingerprint    what a worker must share with the coordinator (versions,
               language data), advertised as Dask resources
worker         the worker side: the preload, the run's plugin, the task
executor       the coordinator side: :class:`DaskExecutor`
tls            ``tls://`` schedulers: the profile's certificates as
               Dask's Security, a refused certificate in one line
=============  ===========================================================

``--executor dask`` selects it (``ekte ingest``, ``import-xdomea``,
``watch``); see README "Many hosts: ekte on Dask".
"""
