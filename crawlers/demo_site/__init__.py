"""The demo web: message boards, a news portal, feeds and a forum built from real data.

It stands in for the public web (there is no internet here): ``python -m crawlers.demo_site``
or ``yuqing demo-site``. See :mod:`crawlers.demo_site.data` for what it shows and when.
"""
