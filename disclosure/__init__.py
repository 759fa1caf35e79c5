"""依申请公开 under 《中华人民共和国政府信息公开条例》(2019), pure rules (no I/O, no clock).

``terms``: request channels, applicant kinds, reply kinds and the 不予公开 grounds, each with its
Chinese label and the article it comes from. ``workdays``: the working-day calendar (public
holidays and make-up working days from the ``chinese-calendar`` package). ``deadline``: the
statutory reply deadline. ``reply``: what a reply must carry. ``annual``: the tallies of the
yearly report.
"""
