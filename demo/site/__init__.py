"""The demo web: message boards, a news portal, feeds and a forum built from real data.

It stands in for the public web (there is no internet here): ``python -m demo.site``
or ``yuqing demo-site``. See :mod:`demo.site.data` for what it shows and when.
"""
