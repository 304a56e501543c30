from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "chorus.news"
    label = "news"
    verbose_name = "Policy news and briefings"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.news import demo
        from chorus.news.sections import area_articles_section, latest_articles_section
        from chorus.news.selectors import bulletin_items

        sections.HOME_PAGE.register(
            latest_articles_section,
            name="news.latest_articles",
            label="Latest policy news and briefings",
            order=30,
            template="news/sections/home_latest_articles.html",
        )
        sections.PRIORITY_AREA_PAGE.register(
            area_articles_section,
            name="news.area_articles",
            label="Our work in this area",
            order=10,
            template="news/sections/area_articles.html",
            head_template="news/sections/area_feed_link.html",
        )
        sections.BULLETIN_DRAFT.register(
            bulletin_items, name="news.new_articles", label="New from the network", order=10
        )
        sections.DEMO_CONTENT.register(demo.load, name="news", label="Articles and briefings", order=20)
