"""Webhooks on record completion: subscriptions, events, signing, the outbox and its log.

Nothing here speaks HTTP: the outbox hands prepared requests to a sender in
``mockserver.server`` and takes the answers back.
"""
