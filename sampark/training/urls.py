from django.urls import path

from sampark.training import views, views_manage

app_name = "training"
urlpatterns = [
    path("", views.module_list, name="list"),
    path("new/", views_manage.module_new, name="new"),
    path("verify/", views.verify, name="verify"),
    path("completion/", views.completion_home, name="completion_home"),
    path("completion/units/<int:unit_id>/", views.completion_unit, name="completion"),
    path("<int:module_id>/", views.module_detail, name="module"),
    path("<int:module_id>/quiz/", views.module_quiz, name="quiz"),
    path("<int:module_id>/certificate.pdf", views.module_certificate, name="certificate"),
    path("<int:module_id>/image/", views.lesson_image, name="image"),
    path("<int:module_id>/edit/", views_manage.module_edit, name="edit"),
    path("<int:module_id>/lessons/", views_manage.lesson_add, name="lesson_add"),
    path("<int:module_id>/lessons/remove/", views_manage.lesson_remove, name="lesson_remove"),
    path("<int:module_id>/questions/", views_manage.question_add, name="question_add"),
    path("<int:module_id>/questions/remove/", views_manage.question_remove, name="question_remove"),
    path("<int:module_id>/publish/", views_manage.module_publish, name="publish"),
]
