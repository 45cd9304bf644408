from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("search/go/", views.result_click, name="result_click"),
    path("help-centre/articles/<int:article_id>/vote/", views.vote, name="vote"),
    path("help-centre/articles/<int:article_id>/read/", views.article_read, name="article_read"),
    path("help-centre/ask/", views.ask, name="ask"),
]
