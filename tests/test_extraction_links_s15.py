"""Evidence links, session 15 (branch exlinks): rules written from the kinds of link misses on the blind batches
376-450 and the reserve, one made-up case each (no fixture's words)."""

from __future__ import annotations

from datetime import date

from predictions.extraction import extract_editorial

DAY = date(2025, 1, 6)
NEWS = "https://news.example.org/2025/01/05/harbour-tolls-rise-again"


def _urls(text: str) -> list[str | None]:
    return [e.url for e in extract_editorial(text, published_on=DAY).evidence]


def _evidence(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.outlet, e.title, e.url) for e in extract_editorial(text, published_on=DAY).evidence]


def test_a_subscription_page_and_a_sites_home_in_a_language_are_no_sources():
    post = (
        f"The tolls [will rise again]({NEWS}) and ferries will be full by March.\n\n"
        "You might [take out a subscription](https://www.harbourtimes.example/subscriptions/digital/offer12.html) "
        "too. I also found [Porto Diario](https://portodiario.example/en), an English edition of a local paper.\n"
    )
    assert _urls(post) == [NEWS]


def test_an_article_under_a_language_segment_stays_a_source():
    story = "https://portodiario.example/en/2025/01/04/ferry-strike-called-off"
    assert _urls(f"The strike [was called off]({story}), so ferries will sail by Friday.\n") == [story]


def test_outlet_headline_lines_each_with_a_comment_under_them_are_a_reading_list():
    post = (
        "My weekend reading\n\n"
        "Some long intro about why I collect things to read, and why I post them here every weekend for friends.\n\n"
        "Harbour Gazette: “Ferry Tolls Double as the Old Pier Closes\n"
        "A sharp look at the port's money troubles.\n\n"
        "Coast Weekly: “The Quiet End of the Night Boats”\n"
        "Sad, but well told.\n\n"
        "Island Review: Why the Fishermen Are Selling Up\n"
        "Worth your time.\n"
    )
    assert _evidence(post) == [
        ("Harbour Gazette", "Ferry Tolls Double as the Old Pier Closes", None),
        ("Coast Weekly", "The Quiet End of the Night Boats", None),
        ("Island Review", "Why the Fishermen Are Selling Up", None),
    ]


def test_two_outlet_headline_lines_apart_in_prose_are_no_list():
    post = (
        "Notes on the port\n\n"
        "A long first paragraph of the author's own thoughts about the port and its money, going on for a while.\n\n"
        "Harbour Gazette: Ferry Tolls Double as the Old Pier Closes\n"
        "A sharp look at the port's money troubles.\n\n"
        "Coast Weekly: The Quiet End of the Night Boats\n"
    )
    assert _evidence(post) == []


def test_an_outlet_alone_on_its_line_then_a_headline_then_a_quoted_paragraph_is_a_source():
    quoted = (
        "The port authority has spent years promising a new pier, and the money has never arrived, while the "
        "ferries get older and the crossings get slower every winter for the people who depend on them."
    )
    post = (
        "Opinions on the harbour from around the coast.\n"
        "Harbour Gazette:\n"
        "The Pier Nobody Wants To Pay For\n"
        f"{quoted}\n"
        "Coast Weekly:\n"
        "Rethinking The Night Ferries\n"
        f"{quoted}\n"
    )
    assert _evidence(post) == [
        ("Harbour Gazette", "The Pier Nobody Wants To Pay For", None),
        ("Coast Weekly", "Rethinking The Night Ferries", None),
    ]


def test_a_label_over_a_title_case_forecast_is_no_headline():
    post = (
        "My predictions for 2025\n\n"
        "Sports:\n"
        "City Will Win The League Again\n"
        "They have the deepest squad in the country and nobody else has spent anything like their money this year.\n"
        "Politics:\n"
        "The Mayor Will Lose Her Seat\n"
        "The polls have her behind in every ward that matters and her own party is tired of her after ten years.\n"
    )
    assert _evidence(post) == []


def test_a_news_recap_with_sources_in_brackets_keeps_each_outlet_of_a_headline():
    post = (
        "Weekly harbour recap\n\n"
        "The council argued for hours about the pier and how much of the old budget should stay in place this "
        "spring, while the ferry companies waited outside and the mayor kept changing the subject to the weather "
        "and the fishing season. (Harbour Gazette)\n\n"
        "Council Approves New Ferry Contract (Coast Weekly)\n\n"
        "The mayor gave a long speech to the chamber that the papers called “unusually calm.” (Harbour Gazette) "
        "(Coast Weekly)\n\n"
        "Port Director Resigns After Audit (Island Review) (Harbour Gazette)\n"
    )
    assert _evidence(post) == [
        ("Coast Weekly", "Council Approves New Ferry Contract", None),
        ("Island Review", "Port Director Resigns After Audit", None),
        ("Harbour Gazette", "Port Director Resigns After Audit", None),
    ]


def test_two_lines_with_sources_in_brackets_are_no_recap():
    post = (
        "Notes on the harbour\n\n"
        "Port Director Resigns After Audit (Island Review) (Harbour Gazette)\n\n"
        "I think the new director will sell the old pier by June. (My guess)\n"
    )
    assert _evidence(post) == []


def test_a_text_posts_first_line_is_its_title_not_a_headline_it_cites():
    recap = (
        "Harbour Notes – Week of March 3\n\n"
        "The council met twice this week and the ferry contract was signed after a long night of argument.\n"
    )
    review = (
        "Tuesday 4 March 2025\n\n"
        "Book Review: The Night Ferries\n\n"
        "I went in with an open mind and came out liking the harbour chapters best of all, the rest less so.\n"
    )
    assert _evidence(recap) == []
    assert _evidence(review) == []


def test_a_headline_line_first_under_a_front_matter_title_stays_a_headline():
    post = (
        "---\ntitle: Harbour links\n---\n\n"
        "Harbour Gazette: Ferry Tolls Double as the Old Pier Closes\n"
        "Coast Weekly: The Quiet End of the Night Boats\n"
    )
    assert _evidence(post) == [
        ("Harbour Gazette", "Ferry Tolls Double as the Old Pier Closes", None),
        ("Coast Weekly", "The Quiet End of the Night Boats", None),
    ]


def test_a_list_of_names_after_a_label_is_no_headline():
    post = (
        "Harbour awards: who will win\n\n"
        "Best Boat\n"
        'Nominees: "The Gull," "Night Ferry," "Old Pier," "Blue Tug" and "Stormy"\n\n'
        '"Night Ferry" will win, and it deserves to after the year its crew had on the winter crossings.\n'
    )
    assert _evidence(post) == []


def test_a_headline_with_commas_in_it_stays_a_headline():
    post = (
        "Links\n\n"
        "- Harbour Gazette: Tolls, Fares, Fees and Fines: How the Port Pays for Itself Now That Fishing Is Gone\n"
        "- Coast Weekly: The Quiet End of the Night Boats\n"
    )
    assert [title for _, title, _ in _evidence(post)] == [
        "Tolls, Fares, Fees and Fines: How the Port Pays for Itself Now That Fishing Is Gone",
        "The Quiet End of the Night Boats",
    ]


def test_a_link_wrapped_over_two_lines_is_read_in_its_sentence_from_the_line_before():
    inspiration = "https://otherblog.example/2024/01/02/yearly-guesses-scored"
    post = (
        "Inspired by [Other Blog's\n"
        f"yearly guesses]({inspiration}).\n\n"
        "As the Gazette [reported on\n"
        f"Sunday]({NEWS}), tolls will double by June.\n"
    )
    assert _urls(post) == [NEWS]


def test_the_authors_own_doing_before_or_inside_the_link_is_not_evidence():
    post = (
        f"Tolls [will rise again]({NEWS}) by June.\n\n"
        "This week I sent my first small open source [patches](https://code.example/harbour/tides/pull/31) to "
        "the tide tables, and I am [putting my money](https://bets.example/markets/harbour-tolls) on a rise.\n"
    )
    assert _urls(post) == [NEWS]


def test_in_my_view_a_cited_report_is_still_a_source():
    report = "https://port.example.org/reports/2025-annual-traffic-review"
    assert _urls(f"In my view [the annual review]({report}) shows the ferries will lose money by June.\n") == [report]


def test_a_proper_names_page_with_a_word_more_or_less_is_a_names_page():
    post = (
        f"Tolls [will rise again]({NEWS}) by June.\n\n"
        "We walked through a wood called [Coed y Brenin](https://walks.example.org/local/coed-y-brenin-dyfed) and "
        "I heard about it on [Harbour Radio's Tidewatch](https://harbourradio.example/tidewatch) programme.\n"
    )
    assert _urls(post) == [NEWS]


def test_a_dated_article_named_by_a_place_stays_a_source():
    story = "https://news.example.org/2025/01/04/coed-y-brenin-fire"
    assert _urls(f"The fire at [Coed Y Brenin]({story}) means the trail will stay shut until June.\n") == [story]


def test_company_forecasts_each_with_a_note_under_them_are_no_reading_list():
    post = (
        "My calls for the harbour in 2025\n\n"
        "A long first paragraph of the author's own thoughts about the port and its money, going on for a while.\n\n"
        "Harbour Ferries: Will Buy Its Last Rival Before June\n"
        "Confidence is high on this one.\n\n"
        "Coast Shipping: Will Sell The Old Pier To The Council\n"
        "They need the money.\n\n"
        "Island Tugs: Will Close The Night Service By Autumn\n"
        "Losing money every month.\n"
    )
    assert _evidence(post) == []
    assert len(extract_editorial(post, published_on=DAY).predictions) == 3


def test_a_known_outlets_headline_pasted_first_stays_a_headline():
    post = (
        "Harbour tolls double as the old pier closes for good — Reuters\n\n"
        "The port authority said on Sunday that tolls would double from March.\n"
    )
    assert _evidence(post) == [("Reuters", "Harbour tolls double as the old pier closes for good", None)]


def test_a_quoted_headline_before_its_outlet_loses_its_quotation_marks():
    post = (
        "Ferries will stop by June.\n\n"
        "Further reading:\n"
        '- "Harbour Tolls Double as Pier Closes" — Harbour Gazette\n'
        "- “The Quiet End of the Night Boats” — Coast Weekly\n"
    )
    assert _evidence(post) == [
        ("Harbour Gazette", "Harbour Tolls Double as Pier Closes", None),
        ("Coast Weekly", "The Quiet End of the Night Boats", None),
    ]


def test_feeds_profiles_topic_pages_licences_and_contact_pages_are_furniture():
    furniture = [
        "https://twitter.com/hashtag/HarbourTolls?src=hash",
        "https://news.example.org/topics/harbour",
        "https://feeds.feedburner.com/harbourblog",
        "https://harbourblog.example/cdn-cgi/l/email-protection",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://disqus.com/by/harbourblog/",
        "https://en.gravatar.com/harbourblogger",
        "https://harbourblog.example/archive/",
        "https://medium.com/@harbourblogger",
        "https://harbourblog.example/contact-me/",
    ]
    for url in furniture:
        assert _urls(f"Tolls [will rise again]({NEWS}) by June, see [this]({url}) too.\n") == [NEWS], url


def test_a_blogger_pages_chrome_is_no_source():
    story = "https://gazette.example/2025/03/03/tolls-double-pier-closes"
    blog = "https://harbourblog.blogspot.com/2025/03"
    page = (
        "<html><body><div class='post'><h3>Harbour predictions</h3>"
        f"<p>I think tolls will double by June, as <a href='{story}'>the Gazette reported</a>.</p>"
        f"<p>Posted by Jim at <a href='{blog}/harbour-predictions.html'>10:00 AM</a></p>"
        "<p><a href='https://www.blogger.com/email-post.g?blogID=1&postID=2'>Email This</a> "
        "<a href='https://www.blogger.com/share-post.g?blogID=1&postID=2&target=twitter'>Share to Twitter</a></p>"
        f"<p><a href='{blog}/older-post-about-the-pier.html'>Older Post</a></p>"
        "<p><a href='https://wordpress.com/?ref=footer_blog'>Blog at WordPress.com.</a></p>"
        "</div></body></html>"
    )
    assert _urls(page) == [story]


def test_markdown_link_destinations_with_titles_angle_brackets_and_brackets_in_the_address():
    report = "https://stats.example.org/tables/harbour-traffic-(2024)"
    post = (
        f'- [Harbour tolls rise again]({NEWS} "The Gazette, 5 January")\n'
        f"- [Harbour tolls rise again](<{NEWS}>)\n"
        f"- [Traffic figures]({report})\n"
    )
    assert _evidence(post) == [
        ("news.example.org", "Harbour tolls rise again", NEWS),
        ("stats.example.org", "Traffic figures", report),
    ]


def test_a_chart_embedded_in_a_markdown_post_is_evidence():
    chart = "https://charts.example.org/graph/embed.php?g=AbC1&width=600"
    post = (
        "# Will inflation fall below 3%?\n\n"
        f'<iframe src="{chart}" width="600" height="400" frameborder="0"></iframe>\n\n'
        "I think it will fall below 3% by June, as the chart above suggests.\n"
    )
    assert _urls(post) == [chart]


def test_a_piece_named_in_prose_by_its_outlet_with_its_headline_in_brackets():
    post = (
        'A Harbour Gazette editorial ("Keep the night ferries -- just run them better") argues the service '
        "can be saved. It cannot, and I think it will be gone by June.\n\n"
        'The Coast Weekly\'s column ("Why tolls must rise") says much the same.\n'
    )
    assert _evidence(post) == [
        ("Harbour Gazette", "Keep the night ferries -- just run them better", None),
        ("Coast Weekly", "Why tolls must rise", None),
    ]
