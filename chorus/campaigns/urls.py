from django.urls import URLPattern, URLResolver, re_path

from chorus.campaigns import letter_views, views

app_name = "campaigns"
urlpatterns: list[URLPattern | URLResolver] = [
    # Tokens are URL-safe base64 (secrets.token_urlsafe); anything else is a 404.
    re_path(r"^campaigns/confirm/(?P<token>[A-Za-z0-9_-]{20,100})/$", views.confirm, name="confirm"),
    re_path(
        r"^campaigns/letters/confirm/(?P<token>[A-Za-z0-9_-]{20,100})/$", letter_views.confirm, name="letter_confirm"
    ),
    re_path(r"^campaigns/(?P<key>[A-Za-z0-9_-]{1,255})/letter/$", letter_views.letter_direct, name="letter"),
    # "Did your MP reply?" links (letter_views.reply); only the token's hash is stored.
    re_path(r"^campaigns/letters/reply/(?P<token>[A-Za-z0-9_-]{20,100})/$", letter_views.reply, name="letter_reply"),
    # Signed "person.action:signature" tokens (campaigns.tokens); anything else is a 404.
    re_path(
        r"^campaigns/updates/stop/(?P<token>[0-9]{1,19}\.[0-9]{1,19}:[A-Za-z0-9_-]{20,100})/$",
        views.stop_updates,
        name="stop_updates",
    ),
    re_path(r"^campaigns/(?P<key>[A-Za-z0-9_-]{1,255})/count\.json$", views.count_json, name="count_json"),
    re_path(r"^campaigns/(?P<key>[0-9]{1,19})/share\.png$", views.share_image_png, name="share_image"),
    re_path(r"^campaigns/(?P<key>[0-9]{1,19})/share/mastodon/$", views.share_on_mastodon, name="share_on_mastodon"),
    # The sign form is the busiest page in a surge: one indexed lookup instead of walking
    # the page tree. The page's own route (ActionPage.sign) answers under any other prefix.
    re_path(r"^campaigns/(?P<key>[A-Za-z0-9_-]{1,255})/sign/$", views.sign_direct, name="sign"),
    re_path(
        r"^campaigns/(?P<key>[A-Za-z0-9_-]{1,255})/easy-read/sign/$",
        views.easy_read_sign_direct,
        name="easy_read_sign",
    ),
]
