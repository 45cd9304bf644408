"""Shop URLs on tenant hosts (included at the root by config/urls_tenants.py)."""

from django.urls import path

from mall import views

app_name = "mall"

urlpatterns = [
    path("shop/", views.product_list, name="product_list"),
    path("shop/category/<str:slug>/", views.product_list, name="category"),
    path("shop/cart/", views.cart, name="cart"),
    path("shop/cart/add/", views.add_to_cart, name="add_to_cart"),
    path("shop/checkout/", views.checkout, name="checkout"),
    path("shop/pay/<str:number>/", views.pay, name="pay"),
    path("shop/pay/sandbox/<str:reference>/", views.sandbox_pay, name="sandbox_pay"),
    path("shop/payments/sandbox/callback/", views.sandbox_callback, name="sandbox_callback"),
    path("shop/groups/<int:group_id>/", views.group_buy, name="group_buy"),
    path("shop/bargains/start/", views.start_bargain, name="start_bargain"),
    path("shop/bargains/<str:token>/", views.bargain, name="bargain"),
    path("shop/<str:slug>/", views.product, name="product"),
    path("account/orders/", views.order_list, name="order_list"),
    path("account/orders/<str:number>/", views.order_detail, name="order"),
]
