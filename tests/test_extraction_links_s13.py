"""Evidence links, session 13 (branch extune5): rules written from the kinds of misses on the blind batches 151-250,
one made-up case each (no fixture's words). A link is evidence when a claim rests on it (news, a report, data, an
official page); site furniture, the author's own things, tools, products, credits and term explainers are not.
"""

from __future__ import annotations

from datetime import date

from predictions.extraction import extract_editorial

DAY = date(2025, 1, 6)
NEWS = "https://news.example.org/2025/01/05/harbour-tolls-rise-again"


def _urls(text: str) -> list[str | None]:
    return [e.url for e in extract_editorial(text, published_on=DAY).evidence]


def _evidence(text: str) -> list[tuple[str | None, str | None, str | None]]:
    return [(e.outlet, e.title, e.url) for e in extract_editorial(text, published_on=DAY).evidence]


# --- furniture and tools --------------------------------------------------------------------------------------


def test_a_share_services_own_address_is_a_share_button():
    post = (
        f"The tolls [will rise again]({NEWS}) and I think ferries will be full by March.\n\n"
        "Pass it on: [toot this](https://www.addtoany.com/add_to/mastodon?linkurl=https%3A%2F%2Fblog.example%2Fp&"
        "linkname=Tolls) or [mail a friend](https://www.addtoany.com/add_to/email?linkurl=https%3A%2F%2Fblog.example"
        "%2Fp&linkname=Tolls)\n"
    )
    assert _urls(post) == [NEWS]


def test_a_form_to_fill_in_is_no_source_and_its_line_no_prediction():
    post = (
        f"Ferry fares will double this year, after [the toll rise]({NEWS}).\n\n"
        "- Send your own guesses through [the entry form](https://docs.google.com/forms/d/e/1xYz/viewform)\n"
        "- Or use [the short one](https://forms.gle/AbCd123)\n"
    )
    draft = extract_editorial(post, published_on=DAY)
    assert [e.url for e in draft.evidence] == [NEWS]
    assert [p.quote for p in draft.predictions] == ["Ferry fares will double this year, after [the toll rise]"
                                                    f"({NEWS})."]  # fmt: skip


def test_a_repositorys_home_is_a_tool_but_its_commit_is_a_source():
    commit = "https://github.com/acme-org/tidecalc/commit/0a1b2c3d4e5f"
    post = (
        f"The port will close a berth by June: the harbour's own [tide calculator change]({commit}) shows it.\n"
        "The numbers come from [the calculator's code](https://github.com/acme-org/tidecalc).\n"
    )
    assert _urls(post) == [commit]


def test_documentation_and_playground_hosts_are_tools():
    post = (
        f"- [Harbour tolls rise again]({NEWS})\n"
        "- [Configuring the tide widget](https://docs.tidewidget.example/en/setup/configuring-the-widget)\n"
        "- [Ten years of the tide API](https://developer.tidewidget.example/ten-years-of-the-tide-api)\n"
        "- [widget sandbox](https://play.tidewidget.example/Zx81?size=800)\n"
    )
    assert _urls(post) == [NEWS]


def test_a_release_note_is_a_products_page():
    post = (
        f"- [Harbour tolls rise again]({NEWS})\n"
        "- [Announcing Tidewidget 3.2](https://tidewidget.example/blog/2025/01/02/new-release-notes-january)\n"
    )
    assert _urls(post) == [NEWS]


def test_an_affiliate_link_to_a_book_is_a_product():
    post = (
        f"The sequel will be out in 2025 ([the publisher says so]({NEWS})), and I expect "
        "[The Long Tide](https://www.amazon.com/exec/obidos/ASIN/0000000000/someblog-20) to sell well.\n"
    )
    assert _urls(post) == [NEWS]


def test_an_editable_office_file_is_a_template_to_download():
    post = (
        f"Tolls will rise again in 2025, as [the port announced]({NEWS}).\n\n"
        "Make your own list: [blank sheet](https://files.example.com/s/x1/My%20Guesses%20Blank.docx?dl=0)\n"
    )
    assert _urls(post) == [NEWS]


# --- credits, the author's own things, acknowledgements --------------------------------------------------------


def test_an_image_credited_from_a_page_is_a_credit():
    post = (
        "The bridge will open in 2026.\n\n"
        '*A drawing of the new bridge. Image from the <a href="https://plans.example.gov/bridge-drawings-2024">'
        "city's planning office.</a>*\n"
    )
    assert _urls(post) == []


def test_the_authors_own_tool_or_model_is_not_evidence():
    post = (
        "In spring I started my [own small model](https://github.com/someone/ferry-model-2025) of ferry demand, and "
        "I built [a little dashboard](https://someone.example/ferry-dash) for it. I've also run "
        "[my simulation](https://notebooks.example.com/drive/abc123) again.\n\n"
        f"Demand will fall by 10% this year, as [the harbour report]({NEWS}) suggests.\n"
    )
    assert _urls(post) == [NEWS]


def test_a_page_linked_twice_in_a_line_once_as_the_authors_own_is_own():
    own = "https://work.example.com/our-2024-review-of-the-harbour-7f3a"
    post = f"I put up a [review]({own}) at my [work blog]({own}). Tolls will rise again, [the port says]({NEWS}).\n"
    assert _urls(post) == [NEWS]


def test_acknowledgements_notes_on_the_post_and_favourites_are_not_evidence():
    post = (
        "Inspired by [Tom's yearly list](https://tom.example/2024/12/30/my-list-for-2025), here are mine.\n\n"
        "Some of my favourites are Ann's [Ten Guesses](https://ann.example/2025/01/ten-guesses-for-2025) and Bo's "
        "[Harbour Futures](https://bo.example/p/harbour-futures-for-the-decade).\n\n"
        f"Tolls will rise again by June ([port notice]({NEWS})).\n\n"
        "*This post was written for the [Harbour Writers Circle](https://circle.example/c/writers/12).*\n"
    )
    assert _urls(post) == [NEWS]


# --- home pages named as a document, attribution, slugs -------------------------------------------------------


def test_a_home_page_named_as_a_report_or_sent_to_be_checked_is_evidence():
    post = (
        "The [Harbour Outlook report](https://harbour-outlook.example) came out last week and it is sobering.\n\n"
        "Fish stocks will keep falling through 2030. You can check the "
        "[Reef Watch](https://www.reefwatch.example/) figures yourself.\n"
    )
    assert _urls(post) == ["https://harbour-outlook.example", "https://www.reefwatch.example/"]


def test_said_as_an_adjective_is_no_attribution():
    post = "- host one [Tidewidget](https://tidewidget.example/) session at said meetups this year\n"
    assert _urls(post) == []


def test_an_article_whose_slug_is_its_title_is_a_source_not_a_names_page():
    url = "https://column.example.com/p/tolls-are-hard"
    post = f"This list borrows from the columnist's [Tolls Are Hard]({url}) post: fares will rise 20% by June.\n"
    assert _urls(post) == [url]


def test_a_report_named_with_numbers_is_not_the_blogs_own_site():
    url = "https://harbour-2030.example"
    post = f"# Harbour 2030 and my doubts\n\nThe [Harbour 2030 report]({url}) says fares will double by 2030.\n"
    assert _urls(post) == [url]


def test_glossary_wiki_and_explainer_pages_only_explain_a_term():
    post = (
        f"Tolls will rise again by June ([port notice]({NEWS})).\n\n"
        "It is a case of [base rates](https://forum.example.org/w/base-rates) and of things like "
        "[THE CROSSOVER](https://blog.crossover.example/what-is-the-crossover/).\n"
    )
    assert _urls(post) == [NEWS]


# --- headline lines --------------------------------------------------------------------------------------------


def test_a_bulleted_pick_with_a_name_in_brackets_stays_a_pick():
    draft = extract_editorial("My picks:\n\n* The Greens hold the port seat (Jane Roe)\n", published_on=DAY)
    assert draft.evidence == []


def test_a_known_outlet_before_a_colon_keeps_the_outlet_headline_reading():
    post = (
        "# Harbour news\n\n"
        "Reuters: Port leaders sign a pact and promise a 'new start' (minus one)\n"
        "AP: Ferry strike ends after two days of talks\n"
    )
    assert _evidence(post) == [
        ("Reuters", "Port leaders sign a pact and promise a 'new start' (minus one)", None),
        ("AP", "Ferry strike ends after two days of talks", None),
    ]


def test_numbers_and_dated_labels_are_no_headline_or_outlet():
    post = (
        "Seats, low - high - party:\n\n"
        "120 - 131 - Greens\n"
        "40 - 52 - Blues\n\n"
        "2025 Outlook: A Slow Year (December 20, 2024)\n"
        "2024 Outlook: Update #3 – Calmer Seas (July 1, 2024)\n\n"
        "▌See Related Charts: Port - Harbour Toll Index\n"
        "Ferry Review and Timetable - Portsmouth, Harbour Station\n"
    )
    assert _evidence(post) == []


def test_a_line_linking_to_the_blogs_own_paths_is_no_headline():
    post = "## Notes\n\n- [Week 2 - Summary](/notes/week-2-summary)\n- [Tides: a primer](/notes/tides-primer)\n"
    assert _evidence(post) == []


# --- the post's own site --------------------------------------------------------------------------------------


def test_toml_front_matter_is_read_and_its_address_marks_the_blogs_own_pages():
    post = (
        "+++\n"
        'title = "Harbour guesses"\n'
        'upstream_url = "https://harbourblog.example/2024/12/30/harbour-guesses/"\n'
        "+++\n"
        "Source: [here](https://harbourblog.example/2024/12/30/harbour-guesses/).\n\n"
        f"**Tolls will rise again.** The [port notice]({NEWS}) says so.\n\n"
        "### Related Posts:\n\n"
        "- [Tolls in the past](https://harbourblog.example/2019/05/02/tolls-in-the-past/)\n"
    )
    draft = extract_editorial(post, published_on=DAY)
    assert draft.title == "Harbour guesses"
    assert [e.url for e in draft.evidence] == [NEWS]


def test_yaml_front_matters_original_address_marks_the_blogs_own_pages():
    post = (
        "---\ntitle: Fare guesses\noriginal-url: https://ferryodds.example/p/ferry-odds-2025\n---\n\n"
        f"Fares will rise 10% this year ([the port says]({NEWS})) and "
        "[the winter timetable](https://ferryodds.example/p/timetable-for-the-winter-2024) shows fewer boats.\n"
    )
    assert _urls(post) == [NEWS]


def test_an_html_pages_permalink_or_canonical_link_marks_its_own_pages():
    page = (
        "<html><head><link rel='canonical' href='https://tideblog.example/2025/01/tolls.html'></head><body>"
        "<div class='post'><h3><a href='https://tideblog.example/2025/01/tolls.html'>Tolls</a></h3>"
        f"<p>Tolls will rise again this year, <a href='{NEWS}'>the port says</a>.</p>"
        "<p><i>Old words of mine.</i> -- <a href='https://tideblog.example/2019/03/older-tolls.html'>March 3, "
        "2019</a></p>"
        "<p><a class='timestamp-link' rel='bookmark' href='https://tideblog.example/2025/01/tolls.html'>1/5/2025</a>"
        "</p></div></body></html>"
    )
    assert _urls(page) == [NEWS]


def test_the_host_of_a_comment_link_is_the_blogs_own():
    post = (
        "(Someone always tells me to [stick to boats](https://boatblog.example/CommentView,guid,1234.aspx#comments"
        "tart); this is [not a boat blog](https://boatblog.example/2019/04/02/not-a-boat-blog.aspx).)\n\n"
        f"Tolls will rise again by June ([port notice]({NEWS})).\n"
    )
    assert _urls(post) == [NEWS]


# --- how links are read ---------------------------------------------------------------------------------------


def test_markdown_images_and_image_sources_are_no_links():
    post = (
        "![Map of the port](https://cdn.example.net/api/image/12345/scale?w=1024)\n\n"
        '<img width="600" alt="chart" src="https://files.example.net/assets/77aa-88bb">\n\n'
        f"Tolls will rise again by June ([port notice]({NEWS})).\n"
    )
    draft = extract_editorial(post, published_on=DAY)
    assert [e.url for e in draft.evidence] == [NEWS]
    assert [p.quote[:22] for p in draft.predictions] == ["Tolls will rise again "]


def test_a_markdown_link_wrapped_over_lines_keeps_its_text():
    post = f"Tolls will rise again by June, as the port said in\n[a notice on the harbour\ntolls]({NEWS}) last week.\n"
    assert _evidence(post) == [("news.example.org", "a notice on the harbour tolls", NEWS)]


def test_captions_credits_parts_and_picks_in_brackets_are_no_listed_headlines():
    post = (
        "Tolls will rise again by June.\n\n"
        "Further reading:\n\n"
        "* A ferry leaves the harbour at dawn (Getty Images)\n"
        "* How the harbour tolls grew (Part 2)\n"
        "* Greens take the port seat 51-49 (Jane Roe)\n"
        "* Reuters: Port leaders sign a pact and promise a new start (minus one)\n"
        "* Why the ferries keep running late (Coast Weekly)\n"
    )
    assert _evidence(post) == [
        ("Reuters", "Port leaders sign a pact and promise a new start (minus one)", None),  # the outlet first
        ("Coast Weekly", "Why the ferries keep running late", None),
    ]


def test_an_archive_copy_of_a_news_page_is_evidence_from_that_outlet():
    copy = "https://web.archive.org/web/20240105120000/https://www.reuters.com/world/harbour-tolls-rise-2024-01-05/"
    post = f"Tolls will rise again by June, as [Reuters reported]({copy}).\n"
    assert _evidence(post) == [("Reuters", "Reuters reported", copy)]


def test_a_public_bodys_documents_host_and_a_data_repository_stay_sources():
    hearing = "https://docs.harbour.gov/meetings/2025/01/tolls-hearing-memo"
    data = "https://github.com/harbour-office/ferry-passenger-data"
    post = f"Tolls will rise again by June, per [the hearing memo]({hearing}) and [the passenger counts]({data}).\n"
    assert _urls(post) == [hearing, data]


def test_a_post_built_on_a_report_keeps_it():
    url = "https://www.imf.example.org/en/publications/2025/01/harbour-economies-outlook"
    post = f"This post is based on [the fund's new outlook]({url}): ferry traffic will fall 5% this year.\n"
    assert _urls(post) == [url]


def test_a_source_whose_name_starts_with_our_is_not_the_authors():
    url = "https://ourworld.example.org/grapher/ferry-passengers"
    post = f"Ferry use will fall again this year: see [Our Harbour in Data]({url}).\n"
    assert _urls(post) == [url]


def test_the_authors_favourite_place_is_no_source():
    post = (
        "We still have not booked my favourite [Harbour View Inn](https://hotels.example/r/harbour-view-inn/y). "
        f"Fares will rise again by June ([port notice]({NEWS})).\n"
    )
    assert _urls(post) == [NEWS]


def test_a_headline_with_its_subtitle_and_outlet_is_one_headline():
    post = (
        "# Weekend reading\n\n"
        "Cities Brace for a Long Dry Summer: Reservoirs stand at record lows (Coast Weekly)\n"
        "AP: Ferry strike ends after two days of talks\n"
    )
    assert [(e.outlet, e.title) for e in extract_editorial(post, published_on=DAY).evidence] == [
        ("Coast Weekly", "Cities Brace for a Long Dry Summer: Reservoirs stand at record lows"),
        ("AP", "Ferry strike ends after two days of talks"),
    ]


def test_a_reference_style_link_is_read_where_it_is_used():
    post = (
        "Tolls will rise again by June, as [the port notice][1] says; I covered the old tolls in "
        "[my spring piece][2].\n\n"
        "Check out the [widget docs][3] too.\n\n"
        f"[1]: {NEWS}\n"
        "[2]: https://someone.example/2024/04/02/old-harbour-tolls-explained\n"
        "[3]: https://tidewidget.example/docs/home\n"
    )
    assert _evidence(post) == [("news.example.org", "the port notice", NEWS)]


def test_newsletter_sign_ups_and_affiliate_links_are_not_evidence():
    post = (
        f"Tolls will rise again by June ([port notice]({NEWS})).\n\n"
        "Get these by mail: [join the list](https://harbourblog.us5.list-manage.com/subscribe/post?u=ab12)\n\n"
        "I expect [this tide clock](https://shop.example.com/tide-clock-deluxe-2025?aff_id=991) to sell out.\n"
    )
    assert _urls(post) == [NEWS]
