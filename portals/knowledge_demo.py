"""Demo help-centre content for the two demo brands (portals/demo.py seeds it): categories and
articles, each in Chinese and English."""

KNOWLEDGE_DEMO = {
    "lumen": {
        "categories": [
            {
                "key": "membership",
                "title": {"zh-hans": "会员与积分", "en": "Membership and points"},
                "description": {
                    "zh-hans": "加入会员、出示会员码，以及积分和等级怎么算。",
                    "en": "Joining, showing your member code, and how points and levels work.",
                },
                "children": [
                    {
                        "key": "points",
                        "title": {"zh-hans": "积分", "en": "Points"},
                        "description": {
                            "zh-hans": "积分怎么赚、怎么用、什么时候过期。",
                            "en": "How you earn points, how you use them and when they expire.",
                        },
                        "children": [],
                    },
                    {
                        "key": "levels",
                        "title": {"zh-hans": "会员等级", "en": "Member levels"},
                        "description": {
                            "zh-hans": "银卡、金卡、黑卡的升级门槛和各自的权益。",
                            "en": (
                                "What it takes to reach Silver, Gold and Black, and what each level gives "
                                "you."
                            ),
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "wallet",
                "title": {"zh-hans": "优惠券与储值", "en": "Coupons and stored value"},
                "description": {
                    "zh-hans": "领取和使用优惠券，给会员卡充值，用余额付款。",
                    "en": "Claiming and using coupons, topping up your card and paying with your balance.",
                },
                "children": [
                    {
                        "key": "coupons",
                        "title": {"zh-hans": "优惠券", "en": "Coupons"},
                        "description": {
                            "zh-hans": "优惠券从哪里来、怎么用，以及生日和每月优惠券。",
                            "en": (
                                "Where coupons come from, how to use them, and birthday and monthly coupons."
                            ),
                        },
                        "children": [],
                    },
                    {
                        "key": "stored-value",
                        "title": {"zh-hans": "储值余额", "en": "Stored value"},
                        "description": {
                            "zh-hans": "在门店充值，结账时用余额付款。",
                            "en": "Topping up in store and paying with your balance at the till.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "account",
                "title": {"zh-hans": "账户与安全", "en": "Your account"},
                "description": {
                    "zh-hans": "注册、登录、找回密码和修改个人资料。",
                    "en": "Signing up, logging in, resetting your password and changing your profile.",
                },
                "children": [
                    {
                        "key": "privacy",
                        "title": {"zh-hans": "隐私与数据", "en": "Privacy and your data"},
                        "description": {
                            "zh-hans": "下载你的个人数据，或者注销账户。",
                            "en": "Downloading your personal data or deleting your account.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "notifications",
                "title": {"zh-hans": "消息与语言", "en": "Messages and language"},
                "description": {
                    "zh-hans": "消息中心、通知方式，以及网站和消息使用的语言。",
                    "en": "Your inbox, how we contact you, and the language of the site and of our messages.",
                },
                "children": [],
            },
            {
                "key": "coffee",
                "title": {"zh-hans": "咖啡知识", "en": "Coffee know-how"},
                "description": {
                    "zh-hans": "在家冲一杯好咖啡，以及牛奶和过敏原的常见问题。",
                    "en": "Brewing good coffee at home, and common questions about milk and allergens.",
                },
                "children": [
                    {
                        "key": "brewing",
                        "title": {"zh-hans": "冲煮与储存", "en": "Brewing and storage"},
                        "description": {
                            "zh-hans": "手冲方法、研磨粗细和咖啡豆的保存。",
                            "en": "Pour-over at home, grind size and keeping your beans fresh.",
                        },
                        "children": [],
                    },
                    {
                        "key": "diet",
                        "title": {"zh-hans": "牛奶与过敏原", "en": "Milk and allergens"},
                        "description": {
                            "zh-hans": "植物奶选择和饮品、甜点中的过敏原。",
                            "en": "Plant milks, and the allergens in our drinks and pastries.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "stores",
                "title": {"zh-hans": "门店服务", "en": "In our stores"},
                "description": {
                    "zh-hans": "门店地址、营业时间、Wi-Fi 和自带杯优惠。",
                    "en": "Store addresses, opening hours, Wi-Fi and the reusable cup discount.",
                },
                "children": [],
            },
        ],
        "articles": [
            {
                "key": "join-programme",
                "category": "membership",
                "title": {"zh-hans": "加入流明会员", "en": "Joining Lumen membership"},
                "summary": {
                    "zh-hans": "用邮箱注册账户就自动成为银卡会员，免费，也不用去门店办卡。",
                    "en": (
                        "Sign up with your email address and you are a Silver member straight away. It's "
                        "free and there is no card to collect."
                    ),
                },
                "tags": {"zh-hans": ["会员", "注册", "加入"], "en": ["membership", "sign up", "join"]},
                "featured": False,
                "audience": "everyone",
                "related": ["sign-up", "member-card", "levels"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>流明会员免费加入。在网站上注册账户、验证邮箱后，"
                                "你就自动成为<b>银卡</b>会员，会员码马上就能在“我的账户”里使用，"
                                "不用去门店另外办卡。</p>"
                            ),
                        ),
                        ("heading", "加入步骤"),
                        (
                            "steps",
                            [
                                ("注册账户", "<p>点击“注册”，填写邮箱，设置密码。</p>"),
                                (
                                    "验证邮箱",
                                    (
                                        "<p>打开我们发给你的邮件，点击里面的链接。没收到的话，"
                                        "先看看垃圾邮件文件夹。</p>"
                                    ),
                                ),
                                (
                                    "打开我的账户",
                                    "<p>登录后进入“我的账户”，会员码、积分和储值余额都在这里。</p>",
                                ),
                            ],
                        ),
                        ("heading", "会员能享受什么"),
                        (
                            "text",
                            (
                                "<ul><li>门店消费每 1 元积 1 分，"
                                "积分可以抵现</li><li>会员价和生日饮品</li><li>积分越多等级越高，金卡、"
                                "黑卡还有折扣和每月优惠券</li></ul>"
                            ),
                        ),
                        ("callout", ("tip", "<p>注册后在“个人资料”里填上手机号，以后用手机号也能登录。</p>")),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Lumen membership is free. Create an account on this site, confirm your "
                                "email address and you are a <b>Silver</b> member. Your member code is ready "
                                "in My account straight away: there is no card to pick up in store.</p>"
                            ),
                        ),
                        ("heading", "How to join"),
                        (
                            "steps",
                            [
                                (
                                    "Create an account",
                                    "<p>Select Sign up and enter your email address and a password.</p>",
                                ),
                                (
                                    "Confirm your email address",
                                    (
                                        "<p>Open the email we send you and follow the link in it. If it "
                                        "hasn't arrived, check your spam folder.</p>"
                                    ),
                                ),
                                (
                                    "Open My account",
                                    (
                                        "<p>Log in and go to My account: your member code, points and "
                                        "balance are all there.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "What members get"),
                        (
                            "text",
                            (
                                "<ul><li>1 point for every ¥1 you spend in our stores, and points take money "
                                "off your bill</li><li>Member prices and a birthday drink</li><li>Higher "
                                "levels as your points add up; Gold and Black members also get a discount "
                                "and a coupon every month</li></ul>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Add your mobile number to your profile after signing up, and you can "
                                    "log in with it too.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "member-card",
                "category": "membership",
                "title": {"zh-hans": "出示会员码", "en": "Showing your member code"},
                "summary": {
                    "zh-hans": "结账时打开“我的账户”出示二维码，店员扫码后就能积分、用余额付款或使用优惠券。",
                    "en": (
                        "Show the QR code in My account at the till: the barista scans it to add points, "
                        "take payment from your balance or apply a coupon."
                    ),
                },
                "tags": {"zh-hans": ["会员码", "二维码", "会员卡"], "en": ["member card", "QR code", "till"]},
                "featured": True,
                "audience": "everyone",
                "related": ["points-rules", "stored-value", "coupons-use"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>你的会员卡就在网站上：登录后打开“我的账户”，最上面就是会员卡，"
                                "显示你的等级、积分、储值余额、可用优惠券数量和一个二维码。</p>"
                            ),
                        ),
                        ("heading", "在门店使用"),
                        (
                            "steps",
                            [
                                (
                                    "提前打开我的账户",
                                    "<p>排队的时候就打开，店里人多、网络慢也不耽误结账。</p>",
                                ),
                                (
                                    "点单后出示二维码",
                                    "<p>请在付款<b>之前</b>把二维码给店员扫，积分才能记到这一单上。</p>",
                                ),
                                (
                                    "说明付款方式",
                                    "<p>要用储值余额付款、用积分抵扣或者用优惠券，扫码时跟店员说一声。</p>",
                                ),
                            ],
                        ),
                        ("heading", "扫不出来怎么办"),
                        (
                            "text",
                            (
                                "<p>会员卡上方有一串 16 位的会员编号，店员可以手动输入。"
                                "屏幕太暗时把亮度调高再试一次。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                "<p>会员码就是你的会员卡，可以用来支付储值余额，请不要截图发给别人。</p>",
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Your member card lives on this site. Log in and open My account: the "
                                "card at the top shows your level, points, balance, how many coupons you can "
                                "use, and a QR code.</p>"
                            ),
                        ),
                        ("heading", "Using it in store"),
                        (
                            "steps",
                            [
                                (
                                    "Open My account early",
                                    (
                                        "<p>Open it while you queue, so a busy café or a slow connection "
                                        "doesn't hold you up.</p>"
                                    ),
                                ),
                                (
                                    "Show the QR code after ordering",
                                    (
                                        "<p>Let the barista scan it <b>before</b> you pay, so the points go "
                                        "on this purchase.</p>"
                                    ),
                                ),
                                (
                                    "Say how you want to pay",
                                    (
                                        "<p>If you want to pay from your balance, use points or use a "
                                        "coupon, say so when the barista scans.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "If the code won't scan"),
                        (
                            "text",
                            (
                                "<p>The top of your card also shows your 16-character member number, which "
                                "the barista can type in. On a dim screen, turn the brightness up and try "
                                "again.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Your member code is your card, and it can be used to pay from your "
                                    "balance. Please don't send screenshots of it to anyone.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "points-rules",
                "category": "points",
                "title": {"zh-hans": "积分使用规则", "en": "How points work"},
                "summary": {
                    "zh-hans": (
                        "积分怎么赚、怎么用、什么时候过期：门店消费每 1 元积 1 分，每 100 积分抵 1 元。"
                    ),
                    "en": (
                        "How to earn points, how to use them and when they expire: 1 point per ¥1 spent in "
                        "store, and every 100 points take ¥1 off."
                    ),
                },
                "tags": {
                    "zh-hans": ["积分", "积分怎么用", "积分抵扣"],
                    "en": ["points", "earning points", "using points"],
                },
                "featured": True,
                "audience": "everyone",
                "related": ["points-expiry", "levels", "member-card"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>积分怎么赚、怎么用、什么时候过期，都在这里。你的积分记在会员账户里，"
                                "在“我的账户”的会员卡上随时能看到。</p>"
                            ),
                        ),
                        ("heading", "怎么赚积分"),
                        (
                            "text",
                            (
                                "<p>在门店结账时出示会员码，实付金额每 1 元积 1 分，再乘以等级倍数："
                                "<b>银卡 1 倍、金卡 1.5 倍、黑卡 2 倍</b>。优惠券抵掉的部分和储值充值不积分，"
                                "用储值余额付款照常积分。</p>"
                            ),
                        ),
                        ("heading", "怎么用积分"),
                        (
                            "steps",
                            [
                                ("结账时出示会员码", "<p>店员扫码后就能看到你的可用积分。</p>"),
                                ("告诉店员用多少积分", "<p>每 100 积分抵 1 元，可以和会员价同时使用。</p>"),
                                ("查看积分记录", "<p>“我的账户”的“积分记录”里有每一笔增加和扣减。</p>"),
                            ],
                        ),
                        ("heading", "积分什么时候过期"),
                        (
                            "text",
                            (
                                "<p>积分在获得后第二年的年底过期。比如 2025 年获得的积分，"
                                "2026 年 12 月 31 日之后失效。用积分时先扣最早获得的那部分。</p>"
                            ),
                        ),
                        ("callout", ("info", "<p>用掉积分不会降级：等级按累计获得的积分计算。</p>")),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Here is how you earn points, how you use them and when they expire. Your "
                                "points are kept on your member account and shown on the card in My "
                                "account.</p>"
                            ),
                        ),
                        ("heading", "Earning points"),
                        (
                            "text",
                            (
                                "<p>Show your member code when you pay in store. You get 1 point for every "
                                "¥1 you pay, multiplied by your level: <b>Silver 1×, Gold 1.5×, Black "
                                "2×</b>. The part of a bill paid with a coupon earns no points, and nor does "
                                "topping up your balance; paying with your balance earns points as usual.</p>"
                            ),
                        ),
                        ("heading", "Using points"),
                        (
                            "steps",
                            [
                                (
                                    "Show your member code at the till",
                                    "<p>Once the barista scans it, they can see the points you have.</p>",
                                ),
                                (
                                    "Say how many points to use",
                                    (
                                        "<p>Every 100 points take ¥1 off, and you can use them together with "
                                        "member prices.</p>"
                                    ),
                                ),
                                (
                                    "Check your points history",
                                    "<p>Points history in My account lists every point added and taken.</p>",
                                ),
                            ],
                        ),
                        ("heading", "When points expire"),
                        (
                            "text",
                            (
                                "<p>Points expire at the end of the year after the one you earned them in: "
                                "points earned in 2025 expire after 31 December 2026. When you use points, "
                                "the oldest go first.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>Using points never lowers your level: levels go by the total points "
                                    "you have ever earned.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "points-expiry",
                "category": "points",
                "title": {"zh-hans": "积分过期提醒", "en": "Points expiry reminders"},
                "summary": {
                    "zh-hans": "每年 12 月起，快过期的积分会在消息中心提醒你；过期的积分无法恢复。",
                    "en": (
                        "From December each year we remind you in your messages about points that are about "
                        "to expire. Expired points can't be restored."
                    ),
                },
                "tags": {"zh-hans": ["积分", "过期", "提醒"], "en": ["points", "expiry", "reminder"]},
                "featured": False,
                "audience": "everyone",
                "related": ["points-rules", "notification-settings"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>每年 1 月 1 日，上一年以前获得、还没用掉的积分会过期。也就是说，"
                                "你在 2025 年获得的积分可以用到 2026 年 12 月 31 日。</p>"
                            ),
                        ),
                        ("heading", "我们怎么提醒你"),
                        (
                            "text",
                            (
                                "<p>从 12 月 1 日起，如果你有积分即将过期，消息中心会收到一条“积分即将过期”"
                                "的消息，写明积分数量和过期日期。想同时收到邮件或短信，可以在“消息设置”"
                                "里打开。</p>"
                            ),
                        ),
                        ("heading", "怎么查看"),
                        (
                            "steps",
                            [
                                ("打开我的账户", "<p>会员卡上显示的是你现在可用的积分。</p>"),
                                (
                                    "查看积分记录",
                                    "<p>过期的积分会记为一笔扣减，备注里写明是哪天以前获得的积分过期了。</p>",
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>积分过期后不能恢复，也不能折现。年底前来店里喝杯咖啡，"
                                    "把快过期的积分用掉吧。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>On 1 January each year, unused points earned before the previous year "
                                "expire. So points you earned in 2025 can be used until 31 December 2026.</p>"
                            ),
                        ),
                        ("heading", "How we remind you"),
                        (
                            "text",
                            (
                                "<p>From 1 December, if you have points about to expire, you get a “Points "
                                "about to expire” message in your inbox with the number of points and the "
                                "date. To get it by email or text message as well, switch those on in "
                                "Message settings.</p>"
                            ),
                        ),
                        ("heading", "Checking your points"),
                        (
                            "steps",
                            [
                                ("Open My account", "<p>The card shows the points you can use now.</p>"),
                                (
                                    "Look at Points history",
                                    (
                                        "<p>Expired points show as a deduction, with a note saying which "
                                        "points expired.</p>"
                                    ),
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Expired points can't be restored or exchanged for cash. Drop in for "
                                    "a coffee before the end of the year and use them up.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "points-missing",
                "category": "points",
                "title": {"zh-hans": "消费后积分没到账", "en": "Points missing after a purchase"},
                "summary": {
                    "zh-hans": (
                        "付款前忘了出示会员码，或者积分记录里找不到某一笔？保留小票，"
                        "30 天内到店或发邮件给我们补登。"
                    ),
                    "en": (
                        "Forgot to show your code, or can't find a purchase in your points history? Keep the "
                        "receipt and contact us within 30 days."
                    ),
                },
                "tags": {"zh-hans": ["积分", "补登", "小票"], "en": ["points", "missing points", "receipt"]},
                "featured": False,
                "audience": "everyone",
                "related": ["points-rules", "member-card", "store-hours"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>积分一般在店员扫码结账后马上到账。如果“积分记录”里没有这一笔，"
                                "多半是付款前没有出示会员码，或者扫码时网络断了。</p>"
                            ),
                        ),
                        ("heading", "怎么补登积分"),
                        (
                            "steps",
                            [
                                ("保留小票", "<p>小票上有门店、时间和金额，补登时要用。</p>"),
                                (
                                    "30 天内联系我们",
                                    (
                                        "<p>带着小票到任意一家门店找店员，或者把小票照片和你的会员编号发到 "
                                        "care@lumen.example。</p>"
                                    ),
                                ),
                                (
                                    "等待确认",
                                    (
                                        "<p>门店可以当场补登；邮件我们会在 3 个工作日内处理。"
                                        "积分补上后会出现在积分记录里，消息中心也会通知你。</p>"
                                    ),
                                ),
                            ],
                        ),
                        (
                            "callout",
                            ("info", "<p>超过 30 天或者没有小票的消费，我们没办法补登积分，敬请谅解。</p>"),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Points usually arrive as soon as the barista scans your code at the "
                                "till. If a purchase isn't in your Points history, the code was probably not "
                                "shown before paying, or the connection dropped during the scan.</p>"
                            ),
                        ),
                        ("heading", "Getting missing points added"),
                        (
                            "steps",
                            [
                                (
                                    "Keep the receipt",
                                    "<p>It shows the store, time and amount, which we need.</p>",
                                ),
                                (
                                    "Contact us within 30 days",
                                    (
                                        "<p>Bring the receipt to either store, or email a photo of it with "
                                        "your member number to care@lumen.example.</p>"
                                    ),
                                ),
                                (
                                    "Wait for confirmation",
                                    (
                                        "<p>In store we can add the points on the spot; emails are answered "
                                        "within 3 working days. The points then appear in your Points "
                                        "history and we send you a message.</p>"
                                    ),
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>We're sorry, but we can't add points for purchases more than 30 days "
                                    "old or without a receipt.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "levels",
                "category": "levels",
                "title": {"zh-hans": "会员等级与权益", "en": "Member levels and benefits"},
                "summary": {
                    "zh-hans": "累计积分满 2,000 升金卡、满 8,000 升黑卡，等级越高，积分倍数和折扣越多。",
                    "en": (
                        "Reach 2,000 points in total for Gold and 8,000 for Black. Higher levels earn points "
                        "faster and get a bigger discount."
                    ),
                },
                "tags": {
                    "zh-hans": ["会员等级", "银卡", "金卡", "黑卡"],
                    "en": ["levels", "Silver", "Gold", "Black"],
                },
                "featured": True,
                "audience": "everyone",
                "related": ["points-rules", "monthly-coupons", "black-card-perks"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>流明会员分三个等级。等级按<b>累计获得的积分</b>计算，"
                                "用掉积分或积分过期都不会降级。</p>"
                            ),
                        ),
                        ("heading", "三个等级"),
                        (
                            "text",
                            (
                                "<ul><li><b>银卡</b>：注册即得。积分 1 倍，享会员价和生日饮品。"
                                "</li><li><b>金卡</b>：累计 2,000 积分。积分 1.5 倍，饮品和咖啡豆 95 折，"
                                "每月一张优惠券。</li><li><b>黑卡</b>：累计 8,000 积分。积分 2 倍，"
                                "饮品和咖啡豆 9 折，每月一张优惠券，新豆抢先购。</li></ul>"
                            ),
                        ),
                        ("heading", "怎么升级"),
                        (
                            "text",
                            (
                                "<p>累计积分达到门槛就自动升级，新的积分倍数从下一笔消费开始生效。"
                                "升级时消息中心会收到通知。</p>"
                            ),
                        ),
                        ("heading", "离下一级还差多少"),
                        ("text", "<p>打开“我的账户”，会员卡上的进度条会显示还差多少积分升到下一级。</p>"),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Lumen membership has three levels. Your level depends on the <b>total "
                                "points you have ever earned</b>, so using points or having them expire "
                                "never moves you down.</p>"
                            ),
                        ),
                        ("heading", "The three levels"),
                        (
                            "text",
                            (
                                "<ul><li><b>Silver (银卡)</b>: when you join. 1× points, member prices and a "
                                "birthday drink.</li><li><b>Gold (金卡)</b>: 2,000 points in total. 1.5× "
                                "points, 5% off drinks and beans, and a coupon every month.</li><li><b>Black "
                                "(黑卡)</b>: 8,000 points in total. 2× points, 10% off drinks and beans, a "
                                "coupon every month and first pick of new beans.</li></ul>"
                            ),
                        ),
                        ("heading", "Moving up"),
                        (
                            "text",
                            (
                                "<p>You move up automatically when your total reaches the next level, and "
                                "the new multiplier applies from your next purchase. We send you a message "
                                "when it happens.</p>"
                            ),
                        ),
                        ("heading", "How far to the next level"),
                        (
                            "text",
                            (
                                "<p>Open My account: the progress bar on your card shows how many points you "
                                "need for the next level.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "black-card-perks",
                "category": "levels",
                "title": {"zh-hans": "黑卡专属：新豆抢先购", "en": "Black members: first pick of new beans"},
                "summary": {
                    "zh-hans": "每季新豆正式上架前，黑卡会员可以提前三天到店购买，每款限购两袋。",
                    "en": (
                        "Black members can buy each season's new beans in store three days before everyone "
                        "else, up to two bags of each coffee."
                    ),
                },
                "tags": {"zh-hans": ["黑卡", "新豆", "抢先购"], "en": ["Black", "new beans", "early access"]},
                "featured": False,
                "audience": "members",
                "related": ["levels", "bean-storage"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>每一季新豆到店后，我们会先留三天给黑卡会员。</p>"),
                        ("heading", "怎么知道新豆到了"),
                        (
                            "text",
                            (
                                "<p>新豆到店当天，我们会给黑卡会员发一条消息，介绍产地、"
                                "风味和抢先购截止日期。这类消息属于新闻和优惠，需要在“个人资料”"
                                "里勾选“通过邮件接收新闻和优惠”才能收到。</p>"
                            ),
                        ),
                        ("heading", "怎么购买"),
                        (
                            "steps",
                            [
                                (
                                    "到任意一家门店",
                                    "<p>静安店、徐汇店都可以买，抢先购期间不接受电话预留。</p>",
                                ),
                                ("出示会员码", "<p>店员扫码确认你是黑卡会员。</p>"),
                                ("选豆结账", "<p>每款新豆限购两袋，照样享受 9 折和 2 倍积分。</p>"),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "info",
                                "<p>新豆也在网上商城（/shop/）发售，黑卡会员登录后可见，每人限购两袋。</p>",
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>When a new season's beans arrive, we keep them for Black members for the "
                                "first three days.</p>"
                            ),
                        ),
                        ("heading", "How you'll know they're in"),
                        (
                            "text",
                            (
                                "<p>On the day new beans arrive, we send Black members a message about their "
                                "origin, taste and the last day of early access. It counts as news and "
                                "offers, so you'll only get it if you have ticked “Send me news and offers "
                                "by e-mail” in your profile.</p>"
                            ),
                        ),
                        ("heading", "How to buy"),
                        (
                            "steps",
                            [
                                (
                                    "Visit either store",
                                    (
                                        "<p>Jing'an or Xuhui. We can't hold beans over the phone during "
                                        "early access.</p>"
                                    ),
                                ),
                                (
                                    "Show your member code",
                                    "<p>The barista scans it to confirm you're a Black member.</p>",
                                ),
                                (
                                    "Choose and pay",
                                    (
                                        "<p>Up to two bags of each new coffee, with your 10% off and 2× "
                                        "points as usual.</p>"
                                    ),
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>New beans are in our online shop (/shop/) too: Black members see "
                                    "them once logged in, two bags each at most.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "coupons-use",
                "category": "wallet",
                "title": {"zh-hans": "如何使用优惠券", "en": "Using your coupons"},
                "summary": {
                    "zh-hans": (
                        "优惠券都在“我的账户”的“我的优惠券”里，结账时出示会员码、告诉店员用哪张，"
                        "每单限用一张。"
                    ),
                    "en": (
                        "Your coupons are under My coupons in My account. Show your member code at the till "
                        "and say which one to use: one coupon per purchase."
                    ),
                },
                "tags": {"zh-hans": ["优惠券", "满减", "领取"], "en": ["coupons", "discount", "claim"]},
                "featured": True,
                "audience": "everyone",
                "related": ["birthday-treat", "monthly-coupons", "member-card"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>你领取或收到的优惠券都在“我的账户”的“我的优惠券”里，分成“可使用”“已使用”"
                                "“已过期”三组，每张券都写着券码和有效期。</p>"
                            ),
                        ),
                        ("heading", "优惠券从哪里来"),
                        (
                            "text",
                            (
                                "<ul><li>网站活动页上的“领取”按钮</li><li>生日饮品券，以及金卡、"
                                "黑卡的每月优惠券</li><li>我们不定期发放的活动券，"
                                "发到你账户时会有消息通知</li></ul>"
                            ),
                        ),
                        ("heading", "在门店使用"),
                        (
                            "steps",
                            [
                                ("打开我的优惠券", "<p>确认这张券在“可使用”里，并且还在有效期内。</p>"),
                                ("出示会员码", "<p>告诉店员要用哪一张，比如“满 50 减 10”。</p>"),
                                ("核对小票", "<p>用过的券会移到“已使用”。</p>"),
                            ],
                        ),
                        ("heading", "使用规则"),
                        (
                            "text",
                            (
                                "<ul><li>每笔消费限用一张优惠券</li><li>满减券要单笔消费达到门槛才能用，"
                                "比如满 50 减 10 需要消费满 50 元</li><li>优惠券不找零、不折现</li></ul>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Coupons you claim or receive are under My coupons in My account, in "
                                "three groups: Usable, Used and Expired. Each coupon shows its code and the "
                                "date it's valid until.</p>"
                            ),
                        ),
                        ("heading", "Where coupons come from"),
                        (
                            "text",
                            (
                                "<ul><li>The Claim button on offer pages of this site</li><li>Your birthday "
                                "drink, and the monthly coupons for Gold and Black "
                                "members</li><li>Occasional offers we give members; we send you a message "
                                "when one arrives</li></ul>"
                            ),
                        ),
                        ("heading", "Using a coupon in store"),
                        (
                            "steps",
                            [
                                (
                                    "Open My coupons",
                                    (
                                        "<p>Check that the coupon is under Usable and hasn't passed its "
                                        "date.</p>"
                                    ),
                                ),
                                (
                                    "Show your member code",
                                    "<p>Tell the barista which coupon to use, for example “¥10 off ¥50”.</p>",
                                ),
                                ("Check your receipt", "<p>A coupon you've used moves to Used.</p>"),
                            ],
                        ),
                        ("heading", "The rules"),
                        (
                            "text",
                            (
                                "<ul><li>One coupon per purchase</li><li>A coupon with a minimum spend only "
                                "works when the purchase reaches it: ¥10 off ¥50 needs a bill of at least "
                                "¥50</li><li>Coupons give no change and can't be exchanged for cash</li></ul>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "birthday-treat",
                "category": "coupons",
                "title": {"zh-hans": "生日礼遇", "en": "Your birthday treat"},
                "summary": {
                    "zh-hans": "在个人资料里填好生日，生日当天会收到祝福，生日饮品券也会放进“我的优惠券”。",
                    "en": (
                        "Add your birthday to your profile: on the day you get a birthday message, and a "
                        "birthday drink coupon appears in My coupons."
                    ),
                },
                "tags": {
                    "zh-hans": ["生日", "优惠券", "生日饮品"],
                    "en": ["birthday", "coupon", "free drink"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["coupons-use", "edit-profile"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>所有会员都有生日礼遇：生日那天，我们请你喝一杯任意中杯饮品。</p>"),
                        ("heading", "先填好生日"),
                        (
                            "steps",
                            [
                                ("打开个人资料", "<p>在“我的账户”页面底部点击“个人资料”。</p>"),
                                ("填写生日并保存", "<p>选好出生日期，点击“保存”。</p>"),
                            ],
                        ),
                        ("heading", "生日当天"),
                        (
                            "text",
                            (
                                "<p>你会在消息中心收到一条生日祝福，生日饮品券会出现在“我的优惠券”里，"
                                "有效期 7 天，到任意一家门店出示会员码就能用。2 月 29 日出生的朋友，"
                                "平年我们在 2 月 28 日送上祝福。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                "<p>请至少提前一天填好生日，生日当天才能收到饮品券。生日饮品券每年一张。</p>",
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Every member gets a birthday treat: on your birthday, any medium drink "
                                "is on us.</p>"
                            ),
                        ),
                        ("heading", "Add your birthday first"),
                        (
                            "steps",
                            [
                                ("Open your profile", "<p>Select Profile at the bottom of My account.</p>"),
                                (
                                    "Enter your birthday and save",
                                    "<p>Choose your date of birth and select Save.</p>",
                                ),
                            ],
                        ),
                        ("heading", "On the day"),
                        (
                            "text",
                            (
                                "<p>A birthday message arrives in your inbox, and a birthday drink coupon "
                                "appears in My coupons. It's valid for 7 days: show your member code in "
                                "either store to use it. If your birthday is 29 February, we celebrate on 28 "
                                "February in other years.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Add your birthday at least a day before, or the coupon won't arrive "
                                    "on the day. There is one birthday drink a year.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "monthly-coupons",
                "category": "coupons",
                "title": {
                    "zh-hans": "金卡、黑卡每月优惠券",
                    "en": "Monthly coupons for Gold and Black members",
                },
                "summary": {
                    "zh-hans": "金卡和黑卡会员每月 1 日会收到一张满减券，当月有效。",
                    "en": (
                        "Gold and Black members get a coupon on the 1st of every month, valid until the end "
                        "of that month."
                    ),
                },
                "tags": {
                    "zh-hans": ["每月优惠券", "金卡", "黑卡"],
                    "en": ["monthly coupon", "Gold", "Black"],
                },
                "featured": False,
                "audience": "members",
                "related": ["levels", "coupons-use", "notification-settings"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>谢谢常来的你：金卡和黑卡会员每个月都会收到一张优惠券。</p>"),
                        ("heading", "每月能收到什么"),
                        (
                            "text",
                            (
                                "<ul><li><b>金卡</b>：满 50 减 10 优惠券一张</li><li><b>黑卡</b>："
                                "满 50 减 15 优惠券一张</li></ul>"
                            ),
                        ),
                        ("heading", "什么时候发放"),
                        (
                            "text",
                            (
                                "<p>每月 1 日上午，优惠券会放进“我的优惠券”，消息中心同时会收到“新优惠券”"
                                "通知。券在当月最后一天 23:59 前有效，没用完不会顺延到下个月。</p>"
                            ),
                        ),
                        ("heading", "快到期时"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>月底前我们会提醒你还有没用的券。想通过邮件或短信收到这条提醒，"
                                    "在“消息设置”里打开对应的渠道就行。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Thank you for coming back: Gold and Black members get a coupon every "
                                "month.</p>"
                            ),
                        ),
                        ("heading", "What you get"),
                        (
                            "text",
                            (
                                "<ul><li><b>Gold</b>: one ¥10 off ¥50 coupon</li><li><b>Black</b>: one ¥15 "
                                "off ¥50 coupon</li></ul>"
                            ),
                        ),
                        ("heading", "When it arrives"),
                        (
                            "text",
                            (
                                "<p>On the morning of the 1st, the coupon goes into My coupons and you get a "
                                "“New coupon” message in your inbox. It's valid until 23:59 on the last day "
                                "of the month; an unused coupon doesn't carry over.</p>"
                            ),
                        ),
                        ("heading", "Before it runs out"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Towards the end of the month we remind you about coupons you haven't "
                                    "used. To get the reminder by email or text message, switch that on in "
                                    "Message settings.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "stored-value",
                "category": "stored-value",
                "title": {"zh-hans": "储值充值与使用", "en": "Topping up and paying with your balance"},
                "summary": {
                    "zh-hans": "在门店收银台给会员卡充值，之后结账时出示会员码就能用余额付款。",
                    "en": (
                        "Top up your member card at the till in either store, then pay by showing your "
                        "member code."
                    ),
                },
                "tags": {"zh-hans": ["储值", "充值", "余额"], "en": ["stored value", "top up", "balance"]},
                "featured": False,
                "audience": "everyone",
                "related": ["member-card", "points-rules", "delete-account"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>储值余额在两家门店通用，会员卡上随时显示你的余额。</p>"),
                        ("heading", "怎么充值"),
                        (
                            "steps",
                            [
                                ("到门店收银台", "<p>告诉店员你要充值，以及充多少，最低 100 元。</p>"),
                                ("出示会员码并付款", "<p>可以用微信支付、支付宝或银行卡。</p>"),
                                (
                                    "确认到账",
                                    "<p>余额马上更新，“储值记录”里会多一条记录，消息中心也会收到通知。</p>",
                                ),
                            ],
                        ),
                        ("heading", "怎么用余额付款"),
                        (
                            "text",
                            (
                                "<p>结账时出示会员码，告诉店员用余额支付。余额不够时，"
                                "差额可以用其他方式补上。用余额付款照常积分。</p>"
                            ),
                        ),
                        ("heading", "需要注意"),
                        (
                            "text",
                            (
                                "<ul><li>目前只能在门店充值，网站上不能充值</li><li>储值余额不能提现，"
                                "也不能转给别人</li><li>注销账户后余额就不能再用了，请先用完</li></ul>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Your balance can be used in both stores, and your card always shows how "
                                "much is on it.</p>"
                            ),
                        ),
                        ("heading", "Topping up"),
                        (
                            "steps",
                            [
                                (
                                    "Go to the till",
                                    (
                                        "<p>Tell the barista you'd like to top up and how much: at least "
                                        "¥100.</p>"
                                    ),
                                ),
                                (
                                    "Show your member code and pay",
                                    "<p>Pay with WeChat Pay, Alipay or a bank card.</p>",
                                ),
                                (
                                    "Check it has arrived",
                                    (
                                        "<p>Your balance updates at once, the top-up appears in Balance "
                                        "history and you get a message in your inbox.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Paying with your balance"),
                        (
                            "text",
                            (
                                "<p>Show your member code at the till and say you'd like to pay from your "
                                "balance. If it doesn't cover the bill, pay the rest another way. Paying "
                                "with your balance earns points as usual.</p>"
                            ),
                        ),
                        ("heading", "Good to know"),
                        (
                            "text",
                            (
                                "<ul><li>You can top up in store only, not on this site</li><li>Your balance "
                                "can't be withdrawn as cash or moved to someone else</li><li>Once you delete "
                                "your account the balance can't be used, so spend it first</li></ul>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "sign-up",
                "category": "account",
                "title": {"zh-hans": "注册与登录", "en": "Signing up and logging in"},
                "summary": {
                    "zh-hans": "用邮箱注册并验证后即可登录；在个人资料里填了手机号，也能用手机号登录。",
                    "en": (
                        "Sign up with your email address and confirm it, then log in with your email or with "
                        "the mobile number in your profile."
                    ),
                },
                "tags": {"zh-hans": ["注册", "登录", "账户"], "en": ["sign up", "log in", "account"]},
                "featured": False,
                "audience": "everyone",
                "related": ["reset-password", "join-programme", "edit-profile"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>一个邮箱只能注册一个账户，注册后你就自动成为流明会员。</p>"),
                        ("heading", "注册"),
                        (
                            "steps",
                            [
                                ("点击“注册”", "<p>填写邮箱，设置密码并再输入一次。</p>"),
                                ("同意隐私政策", "<p>阅读隐私政策，勾选同意后提交。</p>"),
                                ("验证邮箱", "<p>点击验证邮件里的链接。邮箱验证之前不能登录。</p>"),
                            ],
                        ),
                        ("heading", "登录"),
                        (
                            "text",
                            (
                                "<p>在登录页输入邮箱或手机号，再输入密码。想用手机号登录，需要先在“个人资料”"
                                "里填写手机号。</p>"
                            ),
                        ),
                        ("heading", "登录不了？"),
                        (
                            "text",
                            (
                                "<ul><li>确认邮箱已经验证</li><li>忘了密码，请看“忘记密码怎么办”"
                                "</li><li>连续输错 5 次密码，会暂停登录 15 分钟，过一会儿再试就好</li></ul>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Each email address can have one account, and signing up makes you a "
                                "Lumen member.</p>"
                            ),
                        ),
                        ("heading", "Signing up"),
                        (
                            "steps",
                            [
                                (
                                    "Select Sign up",
                                    (
                                        "<p>Enter your email address, then choose a password and type it "
                                        "again.</p>"
                                    ),
                                ),
                                (
                                    "Accept the privacy policy",
                                    "<p>Read the privacy policy, tick to accept it and submit.</p>",
                                ),
                                (
                                    "Confirm your email address",
                                    (
                                        "<p>Follow the link in the email we send you. You can't log in until "
                                        "you have.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Logging in"),
                        (
                            "text",
                            (
                                "<p>On the log-in page, enter your email address or mobile number and your "
                                "password. To log in with your mobile number, add it to your profile "
                                "first.</p>"
                            ),
                        ),
                        ("heading", "Can't log in?"),
                        (
                            "text",
                            (
                                "<ul><li>Check that you have confirmed your email address</li><li>If you've "
                                "forgotten your password, see “Forgotten your password”"
                                "</li><li>After 5 wrong passwords in a row, logging in is paused for 15 "
                                "minutes: wait a little and try again</li></ul>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "reset-password",
                "category": "account",
                "title": {"zh-hans": "忘记密码怎么办", "en": "Forgotten your password"},
                "summary": {
                    "zh-hans": "在登录页点击“忘记密码？”，用我们发到注册邮箱的链接设置新密码。",
                    "en": (
                        "Select “Forgot your password?” on the log-in page and set a new password from the "
                        "link we email you."
                    ),
                },
                "tags": {
                    "zh-hans": ["密码", "忘记密码", "重设密码"],
                    "en": ["password", "forgotten password", "reset password"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["sign-up", "edit-profile"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>忘了密码不要紧，几分钟就能重新设置。</p>"),
                        ("heading", "重设密码"),
                        (
                            "steps",
                            [
                                ("点击“忘记密码？”", "<p>在登录页就能找到。</p>"),
                                ("输入注册邮箱", "<p>我们会给这个邮箱发一封重设密码的邮件。</p>"),
                                (
                                    "设置新密码",
                                    "<p>点击邮件里的链接，输入两次新密码。这个链接只能用一次。</p>",
                                ),
                            ],
                        ),
                        ("heading", "修改密码"),
                        (
                            "text",
                            (
                                "<p>记得旧密码、只是想换一个？登录后打开“个人资料”，点击上方的“密码”，"
                                "输入当前密码和新密码即可。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>流明的店员和客服不会向你索要密码或者邮件里的链接。"
                                    "遇到可疑的电话或邮件，请拨打 400-820-1234 告诉我们。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>If you've forgotten your password, you can set a new one in a few "
                                "minutes.</p>"
                            ),
                        ),
                        ("heading", "Resetting your password"),
                        (
                            "steps",
                            [
                                (
                                    "Select “Forgot your password?”",
                                    "<p>You'll find it on the log-in page.</p>",
                                ),
                                (
                                    "Enter your email address",
                                    "<p>We send a password reset email to that address.</p>",
                                ),
                                (
                                    "Choose a new password",
                                    (
                                        "<p>Follow the link in the email and type your new password twice. "
                                        "The link works once only.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Changing your password"),
                        (
                            "text",
                            (
                                "<p>Remember your password but want a new one? Log in, open your profile, "
                                "select Password at the top, and enter your current password and the new "
                                "one.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Lumen staff will never ask for your password or for the links in our "
                                    "emails. If you get a suspicious call or email, let us know on "
                                    "400-820-1234.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "edit-profile",
                "category": "account",
                "title": {"zh-hans": "修改个人资料", "en": "Changing your profile"},
                "summary": {
                    "zh-hans": "姓名、手机号、生日、偏好语言和是否接收新闻和优惠，都可以在“个人资料”里修改。",
                    "en": (
                        "Change your name, mobile number, birthday, preferred language and whether you get "
                        "news and offers in your profile."
                    ),
                },
                "tags": {
                    "zh-hans": ["个人资料", "手机号", "邮箱"],
                    "en": ["profile", "mobile number", "email address"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["sign-up", "birthday-treat", "language"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>在“我的账户”页面底部点击“个人资料”，改完点“保存”。</p>"),
                        ("heading", "可以修改的内容"),
                        (
                            "text",
                            (
                                "<ul><li><b>姓名</b>：邮件和消息里对你的称呼</li><li><b>手机号</b>："
                                "填了以后可以用手机号登录，也能收短信</li><li><b>生日</b>："
                                "用于生日礼遇</li><li><b>性别</b>：可以不填</li><li><b>偏好语言</b>："
                                "我们发给你的消息和邮件使用的语言</li><li><b>通过邮件接收新闻和优惠</b>："
                                "勾选后才会收到新品和活动消息</li></ul>"
                            ),
                        ),
                        ("heading", "更换登录邮箱"),
                        (
                            "text",
                            (
                                "<p>在个人资料页上方点击“电子邮件”，添加新邮箱。新邮箱验证后才会替换旧邮箱，"
                                "之后请用新邮箱登录。</p>"
                            ),
                        ),
                        ("callout", ("info", "<p>每个账户只有一个邮箱，同一个邮箱也不能用于两个账户。</p>")),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Select Profile at the bottom of My account, make your changes and select "
                                "Save.</p>"
                            ),
                        ),
                        ("heading", "What you can change"),
                        (
                            "text",
                            (
                                "<ul><li><b>Name</b>: what we call you in emails and "
                                "messages</li><li><b>Mobile number</b>: lets you log in with it and receive "
                                "text messages</li><li><b>Birthday</b>: for your birthday "
                                "treat</li><li><b>Gender</b>: optional</li><li><b>Preferred language</b>: "
                                "the language of our messages and emails to you</li><li><b>Send me news and "
                                "offers by e-mail</b>: tick it to hear about new drinks and offers</li></ul>"
                            ),
                        ),
                        ("heading", "Changing your email address"),
                        (
                            "text",
                            (
                                "<p>Select E-mail at the top of the profile page and add the new address. It "
                                "replaces the old one once you have confirmed it, and from then on you log "
                                "in with the new one.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>An account has one email address, and an address can't be used for "
                                    "two accounts.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "download-data",
                "category": "privacy",
                "title": {"zh-hans": "下载我的数据", "en": "Downloading your data"},
                "summary": {
                    "zh-hans": "在个人资料页可以随时下载我们保存的关于你的全部数据，是一个 JSON 文件。",
                    "en": (
                        "Download everything we hold about you, as a JSON file, from your profile page at "
                        "any time."
                    ),
                },
                "tags": {
                    "zh-hans": ["隐私", "个人数据", "下载"],
                    "en": ["privacy", "personal data", "download"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["delete-account", "edit-profile"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>你有权知道我们保存了哪些关于你的数据，随时可以自己下载，不需要联系客服。</p>",
                        ),
                        ("heading", "怎么下载"),
                        (
                            "steps",
                            [
                                ("打开个人资料", "<p>在“我的账户”页面底部点击“个人资料”。</p>"),
                                (
                                    "点击下载链接",
                                    "<p>点击“下载你的全部数据（JSON）”，文件会直接保存到你的设备上。</p>",
                                ),
                            ],
                        ),
                        ("heading", "文件里有什么"),
                        (
                            "text",
                            (
                                "<p>你的个人资料、会员等级、积分记录、储值记录、优惠券和收到的消息。"
                                "JSON 是一种通用的数据格式，可以用文本编辑器打开，也可以导入其他软件。</p>"
                            ),
                        ),
                        ("callout", ("warning", "<p>文件里有你的个人信息，请妥善保存，不要随意转发。</p>")),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>You have the right to know what we keep about you, and you can download "
                                "it yourself at any time, without contacting us.</p>"
                            ),
                        ),
                        ("heading", "How to download it"),
                        (
                            "steps",
                            [
                                ("Open your profile", "<p>Select Profile at the bottom of My account.</p>"),
                                (
                                    "Select the download link",
                                    (
                                        "<p>Select “Download all your data (JSON)”"
                                        " and the file is saved to your device.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "What's in the file"),
                        (
                            "text",
                            (
                                "<p>Your profile, member level, points history, balance history, coupons and "
                                "the messages we have sent you. JSON is a common data format: you can open "
                                "it in a text editor or import it into other software.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>The file contains your personal details, so keep it safe and think "
                                    "before sharing it.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "delete-account",
                "category": "privacy",
                "title": {"zh-hans": "注销账户", "en": "Deleting your account"},
                "summary": {
                    "zh-hans": "注销后个人信息会被删除，积分、储值余额和优惠券都将作废，而且无法恢复。",
                    "en": (
                        "Deleting your account removes your personal details; your points, balance and "
                        "coupons can no longer be used, and it can't be undone."
                    ),
                },
                "tags": {
                    "zh-hans": ["注销", "删除账户", "隐私"],
                    "en": ["delete account", "close account", "privacy"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["download-data", "stored-value"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>如果你不想再使用流明会员，可以自己注销账户。注销前请先看清楚会发生什么。</p>",
                        ),
                        ("heading", "注销后会怎样"),
                        (
                            "text",
                            (
                                "<ul><li>姓名、邮箱、手机号、生日等个人信息会被删除，"
                                "你将无法再登录</li><li>积分、"
                                "储值余额和优惠券全部作废</li><li>我们会保留过往消费和积分的记录用于对账，"
                                "但不再包含你的个人信息</li></ul>"
                            ),
                        ),
                        ("heading", "注销步骤"),
                        (
                            "steps",
                            [
                                ("先用完余额和积分", "<p>储值余额不能提现，建议先到店用掉。</p>"),
                                ("打开个人资料", "<p>点击“删除账户及个人数据”。</p>"),
                                ("输入密码并确认", "<p>输入当前密码，点击“删除我的账户”。</p>"),
                            ],
                        ),
                        (
                            "callout",
                            ("warning", "<p>注销无法撤销。以后想再加入，需要重新注册，从银卡开始。</p>"),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>If you no longer want to be a Lumen member, you can delete your account "
                                "yourself. Please read what happens first.</p>"
                            ),
                        ),
                        ("heading", "What happens"),
                        (
                            "text",
                            (
                                "<ul><li>Your name, email address, mobile number, birthday and other "
                                "personal details are removed, and you can no longer log in</li><li>Your "
                                "points, balance and coupons can't be used any more</li><li>We keep records "
                                "of past purchases and points for our accounts, without your personal "
                                "details</li></ul>"
                            ),
                        ),
                        ("heading", "How to delete your account"),
                        (
                            "steps",
                            [
                                (
                                    "Use up your balance and points",
                                    (
                                        "<p>Your balance can't be paid out in cash, so spend it in store "
                                        "first.</p>"
                                    ),
                                ),
                                (
                                    "Open your profile",
                                    "<p>Select “Delete your account and personal data”.</p>",
                                ),
                                (
                                    "Enter your password and confirm",
                                    "<p>Type your current password and select “Delete my account”.</p>",
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>This can't be undone. To join again later you sign up afresh and "
                                    "start at Silver.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "notification-settings",
                "category": "notifications",
                "title": {"zh-hans": "消息中心与通知设置", "en": "Your inbox and message settings"},
                "summary": {
                    "zh-hans": (
                        "积分、等级和优惠券的变动都会发到消息中心；邮件、短信和营销消息可以在“消息设置”"
                        "里开关。"
                    ),
                    "en": (
                        "Points, level and coupon news arrives in your inbox. Choose email or text message, "
                        "and switch marketing off, in Message settings."
                    ),
                },
                "tags": {
                    "zh-hans": ["消息", "通知", "短信", "邮件"],
                    "en": ["messages", "notifications", "text message", "email"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["language", "points-expiry", "edit-profile"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>积分变动、储值变动、升级、新优惠券、优惠券和积分快到期、生日祝福，"
                                "都会发到你的消息中心。</p>"
                            ),
                        ),
                        ("heading", "查看消息"),
                        (
                            "text",
                            "<p>未读消息会加粗显示，点开即标为已读；消息多的时候，可以点“全部标为已读”。</p>",
                        ),
                        ("heading", "选择通知方式"),
                        (
                            "steps",
                            [
                                ("打开消息设置", "<p>在消息中心页面底部点击“消息设置”。</p>"),
                                (
                                    "勾选渠道",
                                    (
                                        "<p>每类消息都可以选择是否同时发邮件或短信。"
                                        "短信需要先在个人资料里填写手机号。</p>"
                                    ),
                                ),
                                ("点击保存", "<p>设置马上生效。</p>"),
                            ],
                        ),
                        ("heading", "关闭营销消息"),
                        (
                            "text",
                            (
                                "<p>新品和优惠活动属于营销消息，在每个渠道都可以关掉；"
                                "在个人资料里取消勾选“通过邮件接收新闻和优惠”，就完全不会收到。"
                                "和你账户相关的消息在消息中心里始终发送。</p>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Changes to your points and balance, a new level, new coupons, coupons "
                                "and points about to expire, and birthday wishes all arrive in your "
                                "inbox.</p>"
                            ),
                        ),
                        ("heading", "Reading your messages"),
                        (
                            "text",
                            (
                                "<p>Unread messages stand out; opening one marks it as read. If there are "
                                "many, select Mark all as read.</p>"
                            ),
                        ),
                        ("heading", "Choosing how we tell you"),
                        (
                            "steps",
                            [
                                (
                                    "Open Message settings",
                                    "<p>Select Message settings at the bottom of your inbox.</p>",
                                ),
                                (
                                    "Tick the channels",
                                    (
                                        "<p>For each kind of message, choose whether to get it by email or "
                                        "text message too. Text messages need a mobile number in your "
                                        "profile.</p>"
                                    ),
                                ),
                                ("Select Save", "<p>Your choices apply straight away.</p>"),
                            ],
                        ),
                        ("heading", "Switching off marketing"),
                        (
                            "text",
                            (
                                "<p>News about new drinks and offers is marketing, and you can switch it off "
                                "on every channel. Untick “Send me news and offers by e-mail”"
                                " in your profile and you won't get any. Messages about your own account are "
                                "always sent to your inbox.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "language",
                "category": "notifications",
                "title": {"zh-hans": "切换语言", "en": "Changing the language"},
                "summary": {
                    "zh-hans": (
                        "点击页面顶部的“简体中文”或“English”切换网站语言；消息和邮件的语言在个人资料里设置。"
                    ),
                    "en": (
                        "Switch the site between 简体中文 and English at the top of the page. Set the "
                        "language of our messages and emails in your profile."
                    ),
                },
                "tags": {"zh-hans": ["语言", "English", "中文"], "en": ["language", "English", "Chinese"]},
                "featured": False,
                "audience": "everyone",
                "related": ["edit-profile", "notification-settings"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>流明的网站和帮助中心都有简体中文和英文两个版本。</p>"),
                        ("heading", "切换网站语言"),
                        (
                            "text",
                            (
                                "<p>点击页面顶部的“简体中文”或“English”，会打开当前页面的另一种语言版本。"
                                "每种语言都用它自己的文字显示，看不懂当前页面也能找到。</p>"
                            ),
                        ),
                        ("heading", "设置消息语言"),
                        (
                            "steps",
                            [
                                ("打开个人资料", "<p>在“我的账户”页面底部点击“个人资料”。</p>"),
                                ("选择偏好语言", "<p>选择“简体中文”或“English”，点击“保存”。</p>"),
                            ],
                        ),
                        ("heading", "门店里"),
                        ("text", "<p>两家门店的店员都能用中文和英文为你服务，菜单也是双语的。</p>"),
                    ],
                    "en": [
                        (
                            "text",
                            "<p>The Lumen site and help centre are in Simplified Chinese and English.</p>",
                        ),
                        ("heading", "Switching the site's language"),
                        (
                            "text",
                            (
                                "<p>Select 简体中文 or English at the top of the page to open the same page "
                                "in the other language. Each language is shown in its own words, so you can "
                                "find yours even if you can't read the page you're on.</p>"
                            ),
                        ),
                        ("heading", "Choosing the language of our messages"),
                        (
                            "steps",
                            [
                                ("Open your profile", "<p>Select Profile at the bottom of My account.</p>"),
                                (
                                    "Choose your preferred language",
                                    "<p>Pick 简体中文 or English and select Save.</p>",
                                ),
                            ],
                        ),
                        ("heading", "In our stores"),
                        (
                            "text",
                            (
                                "<p>Baristas in both stores can help you in Chinese or English, and the "
                                "menus are bilingual.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "brew-at-home",
                "category": "brewing",
                "title": {"zh-hans": "在家冲一杯手冲咖啡", "en": "Pour-over coffee at home"},
                "summary": {
                    "zh-hans": "15 克咖啡粉、225 克 90–93°C 的热水、两分半到三分钟，在家也能冲出店里的味道。",
                    "en": (
                        "15 g of coffee, 225 g of water at 90–93°C and two and a half to three minutes: "
                        "café-quality coffee at home."
                    ),
                },
                "tags": {"zh-hans": ["手冲", "冲煮", "粉水比"], "en": ["pour-over", "brewing", "ratio"]},
                "featured": False,
                "audience": "everyone",
                "related": ["grind-size", "bean-storage"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>手冲是在家最容易上手、也最能喝出豆子风味的方法。"
                                "下面是我们吧台用的基础配方。</p>"
                            ),
                        ),
                        ("heading", "准备"),
                        (
                            "text",
                            (
                                "<ul><li>咖啡豆 15 克，研磨成粗砂糖大小</li><li>热水 225 克，"
                                "水温 90–93°C</li><li>滤杯、滤纸、手冲壶，有电子秤更好</li></ul>"
                            ),
                        ),
                        ("heading", "步骤"),
                        (
                            "steps",
                            [
                                ("润湿滤纸", "<p>用热水冲一遍滤纸，顺便温杯，倒掉这部分水。</p>"),
                                ("闷蒸 30 秒", "<p>倒入 30 克水，让咖啡粉均匀湿透，会看到粉层鼓起来。</p>"),
                                ("分段注水", "<p>从中心向外画圈，分两三次把水加到 225 克。</p>"),
                                ("等待滴完", "<p>总时间两分半到三分钟左右，摇匀后就可以喝了。</p>"),
                            ],
                        ),
                        ("heading", "味道不对怎么调"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>太酸、太淡：磨细一点或者水温高一点；太苦、发涩：磨粗一点。"
                                    "每次只改一项。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Pour-over is the easiest way to start at home, and it brings out the "
                                "character of the beans. This is the basic recipe our baristas use.</p>"
                            ),
                        ),
                        ("heading", "What you need"),
                        (
                            "text",
                            (
                                "<ul><li>15 g of coffee, ground to the size of coarse sugar</li><li>225 g of "
                                "water at 90–93°C</li><li>A dripper, a paper filter and a kettle; scales "
                                "help</li></ul>"
                            ),
                        ),
                        ("heading", "Steps"),
                        (
                            "steps",
                            [
                                (
                                    "Rinse the filter",
                                    (
                                        "<p>Pour hot water through the filter to warm the cup, then tip it "
                                        "away.</p>"
                                    ),
                                ),
                                (
                                    "Bloom for 30 seconds",
                                    "<p>Pour 30 g of water to wet all the coffee; you'll see it puff up.</p>",
                                ),
                                (
                                    "Pour in stages",
                                    (
                                        "<p>Pour in circles from the centre outwards, in two or three goes, "
                                        "up to 225 g.</p>"
                                    ),
                                ),
                                (
                                    "Let it drain",
                                    (
                                        "<p>The whole brew takes about two and a half to three minutes. "
                                        "Swirl and enjoy.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Adjusting the taste"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Too sour or thin: grind a little finer or use hotter water. Too "
                                    "bitter or dry: grind coarser. Change one thing at a time.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "bean-storage",
                "category": "brewing",
                "title": {"zh-hans": "咖啡豆怎么保存", "en": "Keeping your beans fresh"},
                "summary": {
                    "zh-hans": "密封、避光、常温保存，烘焙后 7 到 30 天风味最好；不建议放冰箱冷藏。",
                    "en": (
                        "Keep beans airtight, dark and at room temperature, and drink them 7 to 30 days "
                        "after roasting. Don't keep them in the fridge."
                    ),
                },
                "tags": {"zh-hans": ["咖啡豆", "保存", "新鲜度"], "en": ["beans", "storage", "freshness"]},
                "featured": False,
                "audience": "everyone",
                "related": ["grind-size", "brew-at-home"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>咖啡豆怕空气、光线、高温和潮湿。保存得好，每一杯都更香。</p>"),
                        ("heading", "最佳赏味期"),
                        (
                            "text",
                            (
                                "<p>我们每周烘焙两次，包装上印有烘焙日期。豆子在烘焙后 7 到 30 天风味最好，"
                                "开封后建议两周内喝完。</p>"
                            ),
                        ),
                        ("heading", "怎么保存"),
                        (
                            "text",
                            (
                                "<ul><li>用原包装的单向排气阀袋，挤出空气后封紧，"
                                "或者换到密封罐里</li><li>放在阴凉避光的柜子里，"
                                "远离灶台和窗边</li><li>喝之前再磨，磨好的粉半小时内用完</li></ul>"
                            ),
                        ),
                        ("heading", "冰箱能放吗"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>不建议冷藏：拿进拿出会结露受潮，还会吸收冰箱异味。一次买多了，"
                                    "可以分成小份密封冷冻，取出后等回到室温再开封。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Coffee beans don't like air, light, heat or damp. Store them well and "
                                "every cup tastes better.</p>"
                            ),
                        ),
                        ("heading", "When beans taste best"),
                        (
                            "text",
                            (
                                "<p>We roast twice a week and print the roast date on every bag. Beans taste "
                                "best 7 to 30 days after roasting; once opened, try to finish them within "
                                "two weeks.</p>"
                            ),
                        ),
                        ("heading", "How to store them"),
                        (
                            "text",
                            (
                                "<ul><li>Use the bag they came in, with its one-way valve: press the air out "
                                "and seal it, or move the beans to an airtight jar</li><li>Keep them in a "
                                "cool, dark cupboard, away from the hob and the window</li><li>Grind just "
                                "before brewing and use ground coffee within half an hour</li></ul>"
                            ),
                        ),
                        ("heading", "What about the fridge?"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Please don't: taking beans in and out makes them damp, and they pick "
                                    "up smells. If you bought too many, freeze them in small sealed portions "
                                    "and let each come to room temperature before opening it.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "grind-size",
                "category": "coffee",
                "title": {"zh-hans": "研磨粗细怎么选", "en": "Choosing the grind size"},
                "summary": {
                    "zh-hans": "不同冲煮方式需要不同的研磨度；在门店买豆可以请店员按你的器具免费研磨。",
                    "en": (
                        "Each way of brewing needs its own grind. Buy beans in store and we'll grind them "
                        "for your method free of charge."
                    ),
                },
                "tags": {"zh-hans": ["研磨", "磨豆", "器具"], "en": ["grind size", "grinding", "equipment"]},
                "featured": False,
                "audience": "everyone",
                "related": ["brew-at-home", "bean-storage"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>研磨粗细决定了萃取的快慢，是在家冲咖啡最值得调整的一项。</p>"),
                        ("heading", "常见器具的研磨度"),
                        (
                            "text",
                            (
                                "<ul><li><b>意式浓缩</b>：细，像面粉略粗一点</li><li><b>摩卡壶</b>：中细，"
                                "像细盐</li><li><b>手冲</b>：中等，像粗砂糖</li><li><b>法压壶、冷萃</b>：粗，"
                                "像海盐</li></ul>"
                            ),
                        ),
                        ("heading", "在门店代磨"),
                        (
                            "steps",
                            [
                                ("告诉店员你的器具", "<p>买豆时说一声用什么冲，我们按对应的粗细磨好。</p>"),
                                ("当场分装", "<p>磨好的粉装回带排气阀的袋子里。</p>"),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>磨好的粉风味散得快，建议一周内喝完。条件允许的话，买一台入门磨豆机，"
                                    "喝之前再磨。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Grind size controls how fast the coffee extracts, and it's the most "
                                "useful thing to adjust when you brew at home.</p>"
                            ),
                        ),
                        ("heading", "Grind for each method"),
                        (
                            "text",
                            (
                                "<ul><li><b>Espresso</b>: fine, just coarser than flour</li><li><b>Moka "
                                "pot</b>: medium-fine, like table salt</li><li><b>Pour-over</b>: medium, "
                                "like coarse sugar</li><li><b>French press and cold brew</b>: coarse, like "
                                "sea salt</li></ul>"
                            ),
                        ),
                        ("heading", "We grind in store"),
                        (
                            "steps",
                            [
                                (
                                    "Tell the barista how you brew",
                                    (
                                        "<p>When you buy beans, say what you use and we'll grind them to "
                                        "suit it.</p>"
                                    ),
                                ),
                                (
                                    "We pack it for you",
                                    "<p>The ground coffee goes back into the bag with the valve.</p>",
                                ),
                            ],
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Ground coffee loses its flavour quickly, so finish it within a week. "
                                    "If you can, get a simple grinder and grind just before brewing.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "milk-and-allergens",
                "category": "diet",
                "title": {"zh-hans": "植物奶与过敏原", "en": "Plant milks and allergens"},
                "summary": {
                    "zh-hans": (
                        "所有奶咖都可以换燕麦奶或豆奶；对食物过敏，请在点单时告诉店员并查看柜台的过敏原卡。"
                    ),
                    "en": (
                        "Any milk drink can be made with oat or soy milk. If you have a food allergy, tell "
                        "the barista when you order and check the allergen cards at the counter."
                    ),
                },
                "tags": {
                    "zh-hans": ["燕麦奶", "豆奶", "过敏原", "乳糖"],
                    "en": ["oat milk", "soy milk", "allergens", "lactose"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["store-hours"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>不喝牛奶或者有食物过敏，也能在流明喝得放心。</p>"),
                        ("heading", "植物奶选择"),
                        (
                            "text",
                            (
                                "<p>所有含奶饮品都可以换成<b>燕麦奶</b>或<b>豆奶</b>，加 3 元。"
                                "燕麦奶口感顺滑，和拿铁最搭；豆奶蛋白质更高，奶泡也更稳定。</p>"
                            ),
                        ),
                        ("heading", "常见过敏原"),
                        (
                            "text",
                            (
                                "<ul><li><b>牛奶</b>：牛奶饮品和大部分甜点</li><li><b>大豆</b>："
                                "豆奶和部分甜点</li><li><b>坚果</b>：榛子糖浆、"
                                "杏仁可颂</li><li><b>麸质和鸡蛋</b>：可颂、"
                                "蛋糕和饼干</li></ul><p>每款饮品和甜点的过敏原都写在柜台的过敏原卡上。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>我们的吧台和烤箱会同时处理牛奶、坚果、麸质等原料，"
                                    "无法完全避免交叉接触。严重过敏的朋友请在点单前告诉店员。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Skipping dairy or living with a food allergy? You can still enjoy Lumen "
                                "with confidence.</p>"
                            ),
                        ),
                        ("heading", "Plant milks"),
                        (
                            "text",
                            (
                                "<p>Any drink with milk can be made with <b>oat</b> or <b>soy milk</b> for "
                                "¥3 more. Oat milk is smooth and goes best with a latte; soy milk has more "
                                "protein and foams more steadily.</p>"
                            ),
                        ),
                        ("heading", "Common allergens"),
                        (
                            "text",
                            (
                                "<ul><li><b>Milk</b>: milk drinks and most pastries</li><li><b>Soy</b>: soy "
                                "milk and some pastries</li><li><b>Nuts</b>: hazelnut syrup and almond "
                                "croissants</li><li><b>Gluten and eggs</b>: croissants, cakes and "
                                "cookies</li></ul><p>The allergen cards at the counter list the allergens in "
                                "every drink and pastry.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Our bar and ovens handle milk, nuts, gluten and other allergens, so "
                                    "we can't rule out cross-contact. If your allergy is severe, please tell "
                                    "the barista before you order.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "store-hours",
                "category": "stores",
                "title": {
                    "zh-hans": "门店地址、营业时间与联系方式",
                    "en": "Stores, opening hours and contact",
                },
                "summary": {
                    "zh-hans": (
                        "静安店 7:30–22:00，徐汇店 8:00–21:00；客服电话 400-820-1234，"
                        "邮箱 care@lumen.example。"
                    ),
                    "en": (
                        "Jing'an is open 7:30–22:00 and Xuhui 8:00–21:00. Call us on 400-820-1234 or email "
                        "care@lumen.example."
                    ),
                },
                "tags": {
                    "zh-hans": ["门店", "营业时间", "地址", "客服"],
                    "en": ["stores", "opening hours", "address", "contact"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["reusable-cup-wifi", "member-card"],
                "body": {
                    "zh-hans": [
                        ("heading", "静安店"),
                        (
                            "text",
                            "<p>南京西路 1266 号，地铁南京西路站附近。每天 7:30–22:00，节假日照常营业。</p>",
                        ),
                        ("heading", "徐汇店"),
                        (
                            "text",
                            "<p>天钥桥路 133 号，地铁徐家汇站附近。每天 8:00–21:00，节假日照常营业。</p>",
                        ),
                        ("heading", "联系我们"),
                        (
                            "text",
                            (
                                "<p>客服电话 <b>400-820-1234</b>，每天 9:00–21:00 接听；"
                                "邮箱 <b>care@lumen.example</b>，3 个工作日内回复。积分补登、"
                                "账户问题和意见建议都可以找我们，也可以直接问门店店员。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>饮品请到店点单；咖啡豆、挂耳和器具可以在网上商城（/shop/）下单，"
                                    "送货上门或到店自取。10 杯以上的团体饮品订单，"
                                    "请提前一天致电 400-820-1234 预订，我们会告诉你取餐时间。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        ("heading", "Jing'an"),
                        (
                            "text",
                            (
                                "<p>1266 West Nanjing Road, near West Nanjing Road metro station. Open every "
                                "day 7:30–22:00, public holidays included.</p>"
                            ),
                        ),
                        ("heading", "Xuhui"),
                        (
                            "text",
                            (
                                "<p>133 Tianyaoqiao Road, near Xujiahui metro station. Open every day "
                                "8:00–21:00, public holidays included.</p>"
                            ),
                        ),
                        ("heading", "Contact us"),
                        (
                            "text",
                            (
                                "<p>Call <b>400-820-1234</b>, answered every day 9:00–21:00, or email "
                                "<b>care@lumen.example</b> and we'll reply within 3 working days. We can "
                                "help with missing points, your account or any feedback, and the baristas in "
                                "either store are happy to help too.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>Drinks are ordered in store; beans, drip bags and brewing gear can "
                                    "be ordered in our online shop (/shop/), delivered or picked up in "
                                    "store. For group orders of 10 drinks or more, call 400-820-1234 a "
                                    "day ahead and we'll tell you when to collect them.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "reusable-cup-wifi",
                "category": "stores",
                "title": {"zh-hans": "Wi-Fi 与自带杯优惠", "en": "Wi-Fi and the reusable cup discount"},
                "summary": {
                    "zh-hans": "两家门店都有免费 Wi-Fi；自带杯子点饮品立减 3 元，会员同样积分。",
                    "en": (
                        "Both stores have free Wi-Fi, and bringing your own cup takes ¥3 off any drink, with "
                        "points as usual."
                    ),
                },
                "tags": {
                    "zh-hans": ["Wi-Fi", "自带杯", "环保"],
                    "en": ["Wi-Fi", "reusable cup", "sustainability"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["store-hours"],
                "body": {
                    "zh-hans": [
                        ("heading", "免费 Wi-Fi"),
                        (
                            "text",
                            (
                                "<p>连接 <b>Lumen-Guest</b>，密码印在小票底部。为了让更多客人有座位，"
                                "周末 12:00–18:00 建议每次使用不超过两小时。</p>"
                            ),
                        ),
                        ("heading", "自带杯立减 3 元"),
                        (
                            "steps",
                            [
                                (
                                    "带上干净的杯子",
                                    "<p>保温杯、随行杯都可以，容量至少 350 毫升，请先洗干净。</p>",
                                ),
                                ("点单时交给店员", "<p>店员会在你的杯子里制作饮品。</p>"),
                                (
                                    "自动减 3 元",
                                    "<p>可以和会员价、优惠券一起用，积分照常按实付金额计算。</p>",
                                ),
                            ],
                        ),
                        ("heading", "为什么这样做"),
                        (
                            "text",
                            (
                                "<p>每年我们的门店要用掉几万只一次性纸杯。你每带一次杯子，"
                                "就少一只杯子进垃圾桶。</p>"
                            ),
                        ),
                    ],
                    "en": [
                        ("heading", "Free Wi-Fi"),
                        (
                            "text",
                            (
                                "<p>Connect to <b>Lumen-Guest</b>: the password is at the bottom of your "
                                "receipt. So more guests can find a seat, please keep to two hours at "
                                "weekends between 12:00 and 18:00.</p>"
                            ),
                        ),
                        ("heading", "¥3 off with your own cup"),
                        (
                            "steps",
                            [
                                (
                                    "Bring a clean cup",
                                    (
                                        "<p>Any travel cup or flask of at least 350 ml; please wash it "
                                        "first.</p>"
                                    ),
                                ),
                                (
                                    "Hand it over when you order",
                                    "<p>The barista makes your drink straight into it.</p>",
                                ),
                                (
                                    "¥3 comes off",
                                    (
                                        "<p>It works with member prices and coupons, and you earn points on "
                                        "what you pay.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Why we do it"),
                        (
                            "text",
                            (
                                "<p>Our stores go through tens of thousands of paper cups a year. Each time "
                                "you bring your own, that's one fewer in the bin.</p>"
                            ),
                        ),
                    ],
                },
            },
        ],
    },
    "harbor": {
        "categories": [
            {
                "key": "services",
                "title": {"zh-hans": "服务项目", "en": "Our services"},
                "description": {
                    "zh-hans": "我们上门做哪些维修和保洁，哪些不做。",
                    "en": "The repairs and cleaning we do in your home, and what we don't do.",
                },
                "children": [
                    {
                        "key": "repairs",
                        "title": {"zh-hans": "维修服务", "en": "Repairs"},
                        "description": {
                            "zh-hans": "水电维修和家电维修。",
                            "en": "Plumbing, electrical and appliance repairs.",
                        },
                        "children": [],
                    },
                    {
                        "key": "cleaning",
                        "title": {"zh-hans": "保洁服务", "en": "Cleaning"},
                        "description": {
                            "zh-hans": "深度保洁包括什么、多少钱。",
                            "en": "What deep cleaning includes and what it costs.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "visits",
                "title": {"zh-hans": "预约与上门", "en": "Booking a visit"},
                "description": {
                    "zh-hans": "电话预约、改约和取消，以及技师上门前的准备。",
                    "en": (
                        "Booking, changing or cancelling a visit by phone, and getting ready for the "
                        "technician."
                    ),
                },
                "children": [],
            },
            {
                "key": "pricing",
                "title": {"zh-hans": "价格与付款", "en": "Prices and payment"},
                "description": {
                    "zh-hans": "上门费、报价方式和付款方式。",
                    "en": "The call-out fee, how we quote and how you can pay.",
                },
                "children": [
                    {
                        "key": "warranty",
                        "title": {"zh-hans": "维修保修", "en": "Warranty"},
                        "description": {
                            "zh-hans": "维修后 90 天内同一问题免费返修。",
                            "en": "Free return visits for the same fault within 90 days of a repair.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "home-care",
                "title": {"zh-hans": "居家安全与保养", "en": "Home safety and care"},
                "description": {
                    "zh-hans": "遇到紧急情况怎么处理，平时怎么保养，让家里少出问题。",
                    "en": "What to do in an emergency, and the upkeep that keeps problems away.",
                },
                "children": [
                    {
                        "key": "emergencies",
                        "title": {"zh-hans": "紧急情况", "en": "Emergencies"},
                        "description": {
                            "zh-hans": "漏水、跳闸、电器冒烟时第一时间该做什么。",
                            "en": (
                                "The first things to do about a leak, a tripping breaker or a smoking "
                                "appliance."
                            ),
                        },
                        "children": [],
                    },
                    {
                        "key": "seasonal",
                        "title": {"zh-hans": "季节保养", "en": "Seasonal maintenance"},
                        "description": {
                            "zh-hans": "按上海的季节整理的居家保养清单。",
                            "en": "Home maintenance checklists for each of Shanghai's seasons.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "membership",
                "title": {"zh-hans": "会员计划", "en": "Membership"},
                "description": {
                    "zh-hans": "会员等级、会员码、积分、优惠券和储值。",
                    "en": "Member levels, your member code, points, coupons and stored value.",
                },
                "children": [
                    {
                        "key": "points",
                        "title": {"zh-hans": "积分", "en": "Points"},
                        "description": {
                            "zh-hans": "积分怎么赚、怎么用、什么时候过期。",
                            "en": "How you earn points, how you use them and when they expire.",
                        },
                        "children": [],
                    },
                    {
                        "key": "wallet",
                        "title": {"zh-hans": "优惠券与储值", "en": "Coupons and stored value"},
                        "description": {
                            "zh-hans": "使用优惠券，充值储值和用余额付款。",
                            "en": "Using coupons, topping up and paying with your balance.",
                        },
                        "children": [],
                    },
                ],
            },
            {
                "key": "account",
                "title": {"zh-hans": "账户与隐私", "en": "Your account and privacy"},
                "description": {
                    "zh-hans": "注册登录、密码、语言、个人数据下载和注销。",
                    "en": "Signing up, passwords, language, downloading your data and deleting your account.",
                },
                "children": [
                    {
                        "key": "notifications",
                        "title": {"zh-hans": "消息与通知", "en": "Messages and notifications"},
                        "description": {
                            "zh-hans": "消息中心收到什么，以及怎么选择邮件和短信通知。",
                            "en": (
                                "What arrives in your inbox, and choosing email and text message "
                                "notifications."
                            ),
                        },
                        "children": [],
                    },
                ],
            },
        ],
        "articles": [
            {
                "key": "services-covered",
                "category": "services",
                "title": {"zh-hans": "我们提供哪些服务", "en": "What services we cover"},
                "summary": {
                    "zh-hans": (
                        "水电维修、家电维修、深度保洁和搬家帮手，覆盖上海市区；"
                        "燃气管道和装修改造不在服务范围内。"
                    ),
                    "en": (
                        "Plumbing, electrical work, appliance repair, deep cleaning and moving help across "
                        "Shanghai. We don't do gas pipework or renovation."
                    ),
                },
                "tags": {"zh-hans": ["服务范围", "维修", "保洁"], "en": ["services", "repairs", "cleaning"]},
                "featured": True,
                "audience": "everyone",
                "related": ["book-a-visit", "how-pricing-works", "deep-cleaning"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>海港家居服务为上海的家庭提供上门维修、保洁和保养。"
                                "所有技师都经过背景审核，上岗前接受培训，并由公司投保。</p>"
                            ),
                        ),
                        ("heading", "我们做什么"),
                        (
                            "text",
                            (
                                "<ul><li><b>水路</b>：漏水、水管和龙头更换、下水道和马桶疏通、"
                                "热水器安装</li><li><b>电路</b>：插座、开关、灯具、跳闸排查，"
                                "由持证电工上门</li><li><b>家电维修</b>：洗衣机、冰箱、空调、"
                                "油烟机</li><li><b>深度保洁</b>：厨房、卫生间和窗户，"
                                "¥299 起</li><li><b>搬家帮手</b>：打包、运输和安置，一周内上门</li></ul>"
                            ),
                        ),
                        ("heading", "我们不做什么"),
                        (
                            "text",
                            (
                                "<ul><li>燃气管道和燃气表：请联系燃气公司</li><li>拆墙、"
                                "改水电等装修工程</li><li>高空外墙作业</li></ul>"
                            ),
                        ),
                        ("heading", "怎么预约"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>所有服务都请致电 <b>400-600-7788</b> 预约，"
                                    "或者发邮件到 help@harbor.example。网站上暂时不能预约。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Harbor Home Services repairs, cleans and looks after homes across "
                                "Shanghai. Every technician is background-checked, trained before their "
                                "first job and insured by us.</p>"
                            ),
                        ),
                        ("heading", "What we do"),
                        (
                            "text",
                            (
                                "<ul><li><b>Plumbing</b>: leaks, new pipes and taps, blocked drains and "
                                "toilets, water heater installation</li><li><b>Electrical</b>: sockets, "
                                "switches, lights and tripping breakers, by licensed "
                                "electricians</li><li><b>Appliance repair</b>: washing machines, fridges, "
                                "air conditioners and cooker hoods</li><li><b>Deep cleaning</b>: kitchens, "
                                "bathrooms and windows, from ¥299</li><li><b>Moving help</b>: packing, "
                                "transport and setting up, within a week</li></ul>"
                            ),
                        ),
                        ("heading", "What we don't do"),
                        (
                            "text",
                            (
                                "<ul><li>Gas pipes and gas meters: please contact your gas "
                                "company</li><li>Renovation, such as removing walls or rerouting pipes and "
                                "wiring</li><li>Work on the outside of high buildings</li></ul>"
                            ),
                        ),
                        ("heading", "How to book"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>To book any service, call <b>400-600-7788</b> or email "
                                    "help@harbor.example. Visits can't be booked on this site yet.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "plumbing-electrical",
                "category": "repairs",
                "title": {"zh-hans": "水电维修", "en": "Plumbing and electrical repairs"},
                "summary": {
                    "zh-hans": "从滴水的龙头到总是跳闸的电路，打电话时说清楚问题，技师会带上合适的配件。",
                    "en": (
                        "From a dripping tap to a breaker that keeps tripping: tell us clearly what's wrong "
                        "when you call, and the technician brings the right parts."
                    ),
                },
                "tags": {
                    "zh-hans": ["水管", "漏水", "电路", "跳闸"],
                    "en": ["plumbing", "leak", "electrical", "breaker"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["water-leak", "electrical-emergency", "book-a-visit"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>水电问题拖得越久，修起来往往越麻烦。发现问题后尽早联系我们。</p>"),
                        ("heading", "常见水路问题"),
                        (
                            "text",
                            (
                                "<ul><li>龙头、角阀、软管滴水或漏水</li><li>下水道、地漏、"
                                "马桶堵塞</li><li>马桶一直流水</li><li>热水器不出热水</li></ul>"
                            ),
                        ),
                        ("heading", "常见电路问题"),
                        (
                            "text",
                            (
                                "<ul><li>插座或开关松动、发烫、"
                                "没电</li><li>灯具不亮或闪烁</li><li>空气开关反复跳闸</li></ul><p>电路工作全"
                                "部由持证电工完成。</p>"
                            ),
                        ),
                        ("heading", "打电话时请告诉我们"),
                        (
                            "steps",
                            [
                                ("问题在哪里", "<p>比如“厨房水槽下面的软管”或“卧室的一个插座”。</p>"),
                                ("从什么时候开始", "<p>以及是一直这样，还是偶尔出现。</p>"),
                                (
                                    "照片",
                                    (
                                        "<p>把照片发到 help@harbor.example，写上你的手机号，"
                                        "技师能提前备好配件。</p>"
                                    ),
                                ),
                            ],
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Plumbing and electrical problems usually get harder to fix the longer "
                                "they're left. Contact us as soon as you notice one.</p>"
                            ),
                        ),
                        ("heading", "Common plumbing problems"),
                        (
                            "text",
                            (
                                "<ul><li>Dripping or leaking taps, valves and hoses</li><li>Blocked drains, "
                                "floor drains and toilets</li><li>A toilet that keeps running</li><li>No hot "
                                "water from the water heater</li></ul>"
                            ),
                        ),
                        ("heading", "Common electrical problems"),
                        (
                            "text",
                            (
                                "<ul><li>Sockets or switches that are loose, hot or dead</li><li>Lights that "
                                "don't work or flicker</li><li>A breaker that keeps tripping</li></ul><p>All "
                                "electrical work is done by licensed electricians.</p>"
                            ),
                        ),
                        ("heading", "When you call, tell us"),
                        (
                            "steps",
                            [
                                (
                                    "Where the problem is",
                                    (
                                        "<p>For example “the hose under the kitchen sink”"
                                        " or “one socket in the bedroom”.</p>"
                                    ),
                                ),
                                (
                                    "When it started",
                                    "<p>And whether it happens all the time or now and then.</p>",
                                ),
                                (
                                    "Send photos",
                                    (
                                        "<p>Email them to help@harbor.example with your phone number, so the "
                                        "technician can bring the right parts.</p>"
                                    ),
                                ),
                            ],
                        ),
                    ],
                },
            },
            {
                "key": "appliance-repair",
                "category": "repairs",
                "title": {"zh-hans": "家电维修", "en": "Appliance repair"},
                "summary": {
                    "zh-hans": "洗衣机、冰箱、空调、油烟机都能修；预约时告诉我们品牌、型号和故障代码。",
                    "en": (
                        "We repair washing machines, fridges, air conditioners and cooker hoods. Tell us the "
                        "brand, model and any error code when you book."
                    ),
                },
                "tags": {
                    "zh-hans": ["家电", "洗衣机", "冰箱", "空调"],
                    "en": ["appliances", "washing machine", "fridge", "air conditioner"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["how-pricing-works", "repair-warranty", "seasonal-checklist"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>我们维修大部分常见品牌的洗衣机、冰箱、空调和油烟机，热水器也可以看。</p>",
                        ),
                        ("heading", "预约前准备好这些信息"),
                        (
                            "steps",
                            [
                                ("品牌和型号", "<p>通常印在机身侧面或背面的铭牌上，拍张照片最方便。</p>"),
                                ("用了几年", "<p>大概的购买时间就可以。</p>"),
                                (
                                    "故障表现",
                                    "<p>显示屏上的故障代码、异响、漏水或者完全不启动，都请说清楚。</p>",
                                ),
                            ],
                        ),
                        ("heading", "还在厂家保修期内？"),
                        ("text", "<p>请先联系厂家售后。保修期内的电器被第三方拆修，可能会失去厂家保修。</p>"),
                        ("heading", "修还是换"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>如果维修费用超过同款新机价格的一半，技师会如实告诉你，"
                                    "由你决定是否继续维修。这种情况下你只需支付上门费。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>We repair washing machines, fridges, air conditioners and cooker hoods "
                                "from most common brands, and we can look at water heaters too.</p>"
                            ),
                        ),
                        ("heading", "Have this ready when you book"),
                        (
                            "steps",
                            [
                                (
                                    "Brand and model",
                                    (
                                        "<p>Usually on a label on the side or back of the machine: a photo "
                                        "is easiest.</p>"
                                    ),
                                ),
                                ("How old it is", "<p>Roughly when you bought it is enough.</p>"),
                                (
                                    "What's wrong",
                                    (
                                        "<p>An error code on the display, a strange noise, a leak, or not "
                                        "starting at all.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Still under the maker's warranty?"),
                        (
                            "text",
                            (
                                "<p>Contact the manufacturer first. If someone else opens an appliance under "
                                "warranty, the manufacturer may no longer cover it.</p>"
                            ),
                        ),
                        ("heading", "Repair or replace"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>If the repair would cost more than half the price of a new machine, "
                                    "the technician will tell you so and you decide whether to go ahead. If "
                                    "you don't, you only pay the call-out fee.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "deep-cleaning",
                "category": "cleaning",
                "title": {"zh-hans": "深度保洁", "en": "Deep cleaning"},
                "summary": {
                    "zh-hans": (
                        "两人团队上门，重点清洁厨房、卫生间和窗户，60 平方米以内 ¥299；"
                        "不满意 24 小时内免费返工。"
                    ),
                    "en": (
                        "A team of two cleans your kitchen, bathrooms and windows thoroughly: ¥299 for homes "
                        "up to 60 m². Not happy? We come back free within 24 hours."
                    ),
                },
                "tags": {"zh-hans": ["保洁", "深度清洁", "价格"], "en": ["cleaning", "deep clean", "price"]},
                "featured": False,
                "audience": "everyone",
                "related": ["services-covered", "book-a-visit", "payment-methods"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>深度保洁适合换季大扫除、搬入新家或者好久没彻底打扫的时候。</p>"),
                        ("heading", "包括哪些"),
                        (
                            "text",
                            (
                                "<ul><li><b>厨房</b>：油烟机外表和滤网、灶台、橱柜外侧、"
                                "墙面瓷砖</li><li><b>卫生间</b>：水垢、玻璃隔断、马桶、"
                                "地漏和硅胶缝的霉斑</li><li><b>窗户</b>：玻璃内侧和安全可及的外侧、"
                                "窗框和窗槽</li><li><b>地面</b>：全屋清洁</li></ul>"
                            ),
                        ),
                        ("heading", "价格"),
                        (
                            "text",
                            (
                                "<p>60 平方米以内 ¥299，60–90 平方米 ¥459，更大的房子电话报价。"
                                "清洁用品和工具由我们带，通常需要 3 到 5 小时。</p>"
                            ),
                        ),
                        ("heading", "不满意怎么办"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>保洁完成后 24 小时内，如果发现哪里没做好，请拨打 400-600-7788，"
                                    "我们免费上门返工。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>A deep clean is right for a seasonal clean, moving into a new home, or "
                                "when it's been a while since the last thorough clean.</p>"
                            ),
                        ),
                        ("heading", "What's included"),
                        (
                            "text",
                            (
                                "<ul><li><b>Kitchen</b>: outside and filters of the cooker hood, hob, "
                                "cupboard fronts and wall tiles</li><li><b>Bathrooms</b>: limescale, shower "
                                "screens, toilets, drains and mould on sealant</li><li><b>Windows</b>: "
                                "inside, the outside where it's safe to reach, frames and "
                                "tracks</li><li><b>Floors</b>: throughout</li></ul>"
                            ),
                        ),
                        ("heading", "Prices"),
                        (
                            "text",
                            (
                                "<p>¥299 for homes up to 60 m², ¥459 for 60–90 m², and a quote by phone for "
                                "larger homes. We bring the products and tools, and it usually takes 3 to 5 "
                                "hours.</p>"
                            ),
                        ),
                        ("heading", "If you're not happy"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>If something isn't right, call 400-600-7788 within 24 hours of the "
                                    "clean and we'll come back and redo it free of charge.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "book-a-visit",
                "category": "visits",
                "title": {"zh-hans": "预约、改约和取消上门", "en": "Booking, changing or cancelling a visit"},
                "summary": {
                    "zh-hans": "预约、改约和取消都请致电 400-600-7788；上门前 4 小时以上取消不收费。",
                    "en": (
                        "To book, change or cancel a visit, call 400-600-7788. Cancelling more than 4 hours "
                        "before the visit is free."
                    ),
                },
                "tags": {
                    "zh-hans": ["预约", "改约", "取消", "上门"],
                    "en": ["booking", "reschedule", "cancel", "visit"],
                },
                "featured": True,
                "audience": "everyone",
                "related": ["prepare-for-visit", "how-pricing-works", "services-covered"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>预约请致电 <b>400-600-7788</b>，接听时间为周一至周五 8:00–20:00、"
                                "周六周日 9:00–18:00，漏水、跳闸等紧急情况 24 小时接听。"
                                "不急的事情也可以发邮件到 help@harbor.example，"
                                "我们会在一个工作日内回电确认时间。</p>"
                            ),
                        ),
                        ("heading", "预约步骤"),
                        (
                            "steps",
                            [
                                ("打电话给我们", "<p>告诉客服地址、需要什么服务，以及问题是什么样的。</p>"),
                                (
                                    "选一个时间段",
                                    "<p>上门时间以两小时为一个时段，一般可以约到未来三天内。</p>",
                                ),
                                (
                                    "确认信息",
                                    (
                                        "<p>客服会复述时间、地址和上门费，并记下你的手机号，"
                                        "技师出发前会给你打电话。</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "改约或取消"),
                        (
                            "text",
                            (
                                "<p>同样请致电 400-600-7788。距离预约时段开始 4 小时以上改约或取消，"
                                "不收任何费用；技师已经出发后取消，需要支付 ¥60 上门费。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                "<p>预约目前只能通过电话或邮件办理，网站和“我的账户”里看不到预约记录。</p>",
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>To book, call <b>400-600-7788</b>, Monday to Friday 8:00–20:00 and "
                                "weekends 9:00–18:00; leaks and electrical emergencies are answered 24 hours "
                                "a day. If it isn't urgent, you can email help@harbor.example and we'll call "
                                "you back within one working day to agree a time.</p>"
                            ),
                        ),
                        ("heading", "How to book"),
                        (
                            "steps",
                            [
                                (
                                    "Call us",
                                    (
                                        "<p>Tell us your address, the service you need and what the problem "
                                        "looks like.</p>"
                                    ),
                                ),
                                (
                                    "Choose a time slot",
                                    (
                                        "<p>Visits are booked in two-hour slots, usually within the next "
                                        "three days.</p>"
                                    ),
                                ),
                                (
                                    "Check the details",
                                    (
                                        "<p>We read back the time, address and call-out fee and take your "
                                        "mobile number; the technician calls you before setting off.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Changing or cancelling"),
                        (
                            "text",
                            (
                                "<p>Call 400-600-7788. Changing or cancelling more than 4 hours before your "
                                "slot starts is free; if the technician has already set off, the ¥60 "
                                "call-out fee applies.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>Visits can only be booked by phone or email at the moment: they "
                                    "don't appear on this site or in My account.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "prepare-for-visit",
                "category": "visits",
                "title": {"zh-hans": "技师上门前的准备", "en": "Getting ready for a technician visit"},
                "summary": {
                    "zh-hans": "留出工作空间、安排好门禁和停车、有成年人在家，并核对技师的工牌。",
                    "en": (
                        "Clear the work area, sort out building access and parking, make sure an adult is "
                        "home, and check the technician's ID card."
                    ),
                },
                "tags": {"zh-hans": ["上门", "准备", "技师"], "en": ["visit", "preparation", "technician"]},
                "featured": False,
                "audience": "everyone",
                "related": ["book-a-visit", "home-safety", "payment-methods"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>提前做好这些准备，技师到了就能马上开工，也能少花你的时间。</p>"),
                        ("heading", "上门前一天"),
                        (
                            "steps",
                            [
                                (
                                    "安排门禁和停车",
                                    "<p>告诉小区物业或门卫有维修人员来访，需要登记的话提前说好。</p>",
                                ),
                                ("腾出空间", "<p>清空水槽下、电器周围的杂物，贵重和易碎物品先收起来。</p>"),
                                ("备好资料", "<p>家电的型号照片、之前的维修单都可以先放在手边。</p>"),
                            ],
                        ),
                        ("heading", "上门当天"),
                        (
                            "text",
                            (
                                "<ul><li>需要有一位 18 "
                                "岁以上的成年人在家</li><li>宠物请关在另一个房间</li><li>知道水总阀和配电箱在"
                                "哪里，技师可能需要临时停水停电</li></ul>"
                            ),
                        ),
                        ("heading", "核对技师身份"),
                        (
                            "text",
                            (
                                "<p>我们的技师穿海港工装，佩戴带照片的工牌。开门前有疑问，"
                                "可以拨打 400-600-7788 核对技师姓名。</p>"
                            ),
                        ),
                        (
                            "callout",
                            ("warning", "<p>海港技师不会在上门时推销与本次维修无关的产品，也不收现金。</p>"),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>A little preparation means the technician can start as soon as they "
                                "arrive, and saves you time too.</p>"
                            ),
                        ),
                        ("heading", "The day before"),
                        (
                            "steps",
                            [
                                (
                                    "Arrange access and parking",
                                    (
                                        "<p>Let your building management or guard know a technician is "
                                        "coming, and check whether they need to register.</p>"
                                    ),
                                ),
                                (
                                    "Clear some space",
                                    (
                                        "<p>Empty the cupboard under the sink or the area round the "
                                        "appliance, and put away valuable or fragile things.</p>"
                                    ),
                                ),
                                (
                                    "Have details to hand",
                                    (
                                        "<p>A photo of the appliance's model label and any earlier repair "
                                        "receipts.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "On the day"),
                        (
                            "text",
                            (
                                "<ul><li>An adult aged 18 or over needs to be at home</li><li>Please keep "
                                "pets in another room</li><li>Know where your main water valve and fuse box "
                                "are, as the technician may need to turn off the water or power</li></ul>"
                            ),
                        ),
                        ("heading", "Checking who's at the door"),
                        (
                            "text",
                            (
                                "<p>Our technicians wear Harbor uniforms and a photo ID card. If in doubt, "
                                "call 400-600-7788 before opening the door and we'll confirm the "
                                "technician's name.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Harbor technicians never try to sell you anything unrelated to the "
                                    "job, and they don't take cash.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "how-pricing-works",
                "category": "pricing",
                "title": {"zh-hans": "价格怎么算", "en": "How pricing works"},
                "summary": {
                    "zh-hans": "上门检测费 ¥60，确认维修后可抵扣；开工前技师会给出书面报价，你同意后才动手。",
                    "en": (
                        "The call-out fee is ¥60 and comes off the repair if you go ahead. The technician "
                        "gives you a written quote and starts only when you agree."
                    ),
                },
                "tags": {"zh-hans": ["价格", "上门费", "报价"], "en": ["prices", "call-out fee", "quote"]},
                "featured": True,
                "audience": "everyone",
                "related": ["payment-methods", "repair-warranty", "book-a-visit"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>我们希望你在花钱之前就清楚要花多少。维修类服务按下面的方式收费。</p>"),
                        ("heading", "上门检测费"),
                        (
                            "text",
                            (
                                "<p>每次上门 <b>¥60</b>，包括路程和故障检测。如果你决定维修，"
                                "这 ¥60 从维修费里扣除；不修的话，只付这 ¥60。"
                                "晚上 20:00 到早上 8:00 的紧急上门，检测费为 ¥150。</p>"
                            ),
                        ),
                        ("heading", "先报价，后动手"),
                        (
                            "steps",
                            [
                                ("检测故障", "<p>技师找到问题，并告诉你有哪些修法。</p>"),
                                ("书面报价", "<p>工单上分项写明人工费和配件费，你签字确认后才开工。</p>"),
                                (
                                    "遇到新问题",
                                    "<p>如果修到一半发现别的问题，技师会先停下来重新报价，不会自行加价。</p>",
                                ),
                            ],
                        ),
                        ("heading", "保洁和搬家"),
                        ("text", "<p>深度保洁按面积定价，搬家按工作量报价，电话预约时就能告诉你价格。</p>"),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>We want you to know what you'll pay before you pay it. Repairs are "
                                "charged like this.</p>"
                            ),
                        ),
                        ("heading", "The call-out fee"),
                        (
                            "text",
                            (
                                "<p>Each visit costs <b>¥60</b>, which covers travel and finding the fault. "
                                "If you go ahead with the repair, the ¥60 comes off the bill; if you don't, "
                                "that's all you pay. Emergency visits between 20:00 and 8:00 have a ¥150 "
                                "call-out fee.</p>"
                            ),
                        ),
                        ("heading", "A quote before any work"),
                        (
                            "steps",
                            [
                                (
                                    "We find the fault",
                                    "<p>The technician finds the problem and explains the options.</p>",
                                ),
                                (
                                    "You get a written quote",
                                    (
                                        "<p>The job sheet lists labour and parts separately, and work starts "
                                        "only when you sign it.</p>"
                                    ),
                                ),
                                (
                                    "If something else turns up",
                                    (
                                        "<p>If the technician finds another problem partway through, they "
                                        "stop and quote again. The price never goes up without your "
                                        "agreement.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Cleaning and moving"),
                        (
                            "text",
                            (
                                "<p>Deep cleaning is priced by the size of your home and moving help by the "
                                "amount of work; we give you the price when you book by phone.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "payment-methods",
                "category": "pricing",
                "title": {"zh-hans": "付款方式", "en": "Payment methods"},
                "summary": {
                    "zh-hans": "完工后付款，支持微信支付、支付宝、银联卡和海港储值余额；技师不收现金。",
                    "en": (
                        "You pay when the job is done, by WeChat Pay, Alipay, UnionPay card or your Harbor "
                        "balance. Technicians don't take cash."
                    ),
                },
                "tags": {
                    "zh-hans": ["付款", "发票", "微信支付", "支付宝"],
                    "en": ["payment", "invoice", "WeChat Pay", "Alipay"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["how-pricing-works", "stored-value", "member-card"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>所有服务都是完工、你确认满意之后再付款，不收定金。</p>"),
                        ("heading", "可以用的付款方式"),
                        (
                            "text",
                            (
                                "<ul><li>微信支付、支付宝：扫技师出示的海港收款码</li><li>银联卡："
                                "刷技师随身的刷卡机</li><li>海港储值余额：出示“我的账户”里的会员码</li></ul>"
                            ),
                        ),
                        ("heading", "积分和优惠券"),
                        (
                            "text",
                            (
                                "<p>付款前出示会员码，就能积分，也可以用积分抵扣或使用优惠券。"
                                "付完款再出示就来不及了。</p>"
                            ),
                        ),
                        ("heading", "开发票"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>需要发票的话，请在 30 天内把发票抬头、"
                                    "税号和服务日期发到 help@harbor.example，"
                                    "电子发票会在 3 个工作日内发到你的邮箱。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>You pay for every service once the work is done and you're happy with "
                                "it. We don't take deposits.</p>"
                            ),
                        ),
                        ("heading", "Ways to pay"),
                        (
                            "text",
                            (
                                "<ul><li>WeChat Pay or Alipay: scan the Harbor payment code the technician "
                                "shows you</li><li>UnionPay card: on the technician's card "
                                "reader</li><li>Your Harbor balance: show the member code in My "
                                "account</li></ul>"
                            ),
                        ),
                        ("heading", "Points and coupons"),
                        (
                            "text",
                            (
                                "<p>Show your member code before you pay to earn points, use points or use a "
                                "coupon. Once you've paid, it's too late to add them.</p>"
                            ),
                        ),
                        ("heading", "Invoices"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>For an invoice, email the company name, tax number and date of the "
                                    "service to help@harbor.example within 30 days. We send the e-invoice to "
                                    "your email within 3 working days.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "repair-warranty",
                "category": "warranty",
                "title": {"zh-hans": "维修保修 90 天", "en": "Our 90-day repair warranty"},
                "summary": {
                    "zh-hans": "维修完成后 90 天内，同一问题再次出现，我们免费上门返修，配件和人工都不收费。",
                    "en": (
                        "If the same fault comes back within 90 days of a repair, we return and fix it free "
                        "of charge, parts and labour included."
                    ),
                },
                "tags": {"zh-hans": ["保修", "返修", "质保"], "en": ["warranty", "repair", "guarantee"]},
                "featured": False,
                "audience": "everyone",
                "related": ["how-pricing-works", "appliance-repair"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>我们对自己的手艺负责：每一次维修都有 90 天保修，从完工当天算起。</p>"),
                        ("heading", "保修范围"),
                        (
                            "text",
                            (
                                "<ul><li>我们修过的同一处故障再次出现</li><li>我们提供并安装的配件出现质量问"
                                "题</li><li>返修不收上门费、人工费和配件费</li></ul>"
                            ),
                        ),
                        ("heading", "不在保修范围内"),
                        (
                            "text",
                            (
                                "<ul><li>你自己购买、由我们安装的配件本身的问题</li><li>使用不当、"
                                "意外损坏或被他人拆修过</li><li>同一台设备上其他部位的新故障</li></ul>"
                            ),
                        ),
                        ("heading", "怎么申请返修"),
                        (
                            "steps",
                            [
                                ("找到工单", "<p>工单上有维修日期和维修内容，拍照留存最方便。</p>"),
                                ("致电 400-600-7788", "<p>说明地址和维修日期，我们会优先安排上门。</p>"),
                            ],
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>We stand by our work: every repair has a 90-day warranty, counted from "
                                "the day the job was finished.</p>"
                            ),
                        ),
                        ("heading", "What's covered"),
                        (
                            "text",
                            (
                                "<ul><li>The same fault we repaired coming back</li><li>A defect in a part "
                                "we supplied and fitted</li><li>Return visits are free: no call-out fee, "
                                "labour or parts</li></ul>"
                            ),
                        ),
                        ("heading", "What isn't covered"),
                        (
                            "text",
                            (
                                "<ul><li>Faults in parts you bought yourself and we fitted</li><li>Misuse, "
                                "accidental damage, or someone else working on the repair</li><li>New faults "
                                "in other parts of the same appliance</li></ul>"
                            ),
                        ),
                        ("heading", "How to claim"),
                        (
                            "steps",
                            [
                                (
                                    "Find your job sheet",
                                    (
                                        "<p>It shows the date and what was done; a photo of it is easiest to "
                                        "keep.</p>"
                                    ),
                                ),
                                (
                                    "Call 400-600-7788",
                                    (
                                        "<p>Give your address and the date of the repair, and we'll come "
                                        "back as a priority.</p>"
                                    ),
                                ),
                            ],
                        ),
                    ],
                },
            },
            {
                "key": "home-safety",
                "category": "home-care",
                "title": {"zh-hans": "居家安全小贴士", "en": "Home safety tips"},
                "summary": {
                    "zh-hans": "每月测试烟雾报警器，不要串接插线板，闻到燃气味先开窗离开再打电话。",
                    "en": (
                        "Test smoke alarms monthly, don't chain power strips together, and if you smell gas, "
                        "open the windows and leave before you make a call."
                    ),
                },
                "tags": {
                    "zh-hans": ["安全", "燃气", "插线板", "烟雾报警器"],
                    "en": ["safety", "gas", "power strip", "smoke alarm"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["electrical-emergency", "seasonal-checklist", "water-leak"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>很多家里的事故都能提前避免。下面几件事花不了多少时间，值得定期做一做。</p>",
                        ),
                        ("heading", "用电"),
                        (
                            "text",
                            (
                                "<ul><li>插线板不要串接，空调、取暖器、"
                                "电热水壶等大功率电器直接插墙上插座</li><li>插头或插座发烫、发黑，"
                                "马上停用并联系我们</li><li>家里有小孩，给空插座装上保护盖</li></ul>"
                            ),
                        ),
                        ("heading", "燃气"),
                        (
                            "steps",
                            [
                                ("不要开关任何电器", "<p>包括电灯和抽油烟机，也不要打火。</p>"),
                                ("开窗、关阀", "<p>打开门窗通风，关闭燃气表前的阀门。</p>"),
                                (
                                    "离开后再打电话",
                                    "<p>到室外再拨打燃气公司的抢修电话。燃气管道不在我们的服务范围内。</p>",
                                ),
                            ],
                        ),
                        ("heading", "防火"),
                        (
                            "text",
                            (
                                "<p>每月按一次烟雾报警器的测试键；厨房备一个灭火毯；"
                                "出门和睡前检查燃气灶是否关好。</p>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Many accidents at home can be prevented. These checks take little time "
                                "and are worth doing regularly.</p>"
                            ),
                        ),
                        ("heading", "Electricity"),
                        (
                            "text",
                            (
                                "<ul><li>Don't plug power strips into each other; plug air conditioners, "
                                "heaters and kettles straight into a wall socket</li><li>If a plug or socket "
                                "is hot or scorched, stop using it and call us</li><li>With small children "
                                "at home, fit covers on unused sockets</li></ul>"
                            ),
                        ),
                        ("heading", "Gas"),
                        (
                            "steps",
                            [
                                (
                                    "Don't switch anything on or off",
                                    "<p>Not even lights or the cooker hood, and don't light a flame.</p>",
                                ),
                                (
                                    "Open windows and close the valve",
                                    "<p>Air the room and close the valve by the gas meter.</p>",
                                ),
                                (
                                    "Call from outside",
                                    (
                                        "<p>Once outside, call your gas company's emergency line. Gas pipes "
                                        "are not something we work on.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Fire"),
                        (
                            "text",
                            (
                                "<p>Press the test button on your smoke alarms once a month, keep a fire "
                                "blanket in the kitchen, and check the hob is off before you go out or to "
                                "bed.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "water-leak",
                "category": "emergencies",
                "title": {"zh-hans": "家里漏水怎么办", "en": "What to do about a water leak"},
                "summary": {
                    "zh-hans": (
                        "先关水总阀，水碰到电器就拉下电闸，再用毛巾挡水、通知楼下邻居，"
                        "然后致电 400-600-7788。"
                    ),
                    "en": (
                        "Shut the main water valve, switch off the power if water is near anything "
                        "electrical, contain the water, warn the neighbours below, then call 400-600-7788."
                    ),
                },
                "tags": {
                    "zh-hans": ["漏水", "水总阀", "紧急"],
                    "en": ["water leak", "main valve", "emergency"],
                },
                "featured": True,
                "audience": "everyone",
                "related": ["electrical-emergency", "plumbing-electrical", "repair-warranty"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>发现漏水别慌，按下面的顺序处理，能把损失降到最小。</p>"),
                        ("heading", "马上要做的事"),
                        (
                            "steps",
                            [
                                (
                                    "关闭水总阀",
                                    (
                                        "<p>总阀一般在水表旁边：厨房水槽下面，或者楼道的水表箱里。"
                                        "顺时针拧到底。</p>"
                                    ),
                                ),
                                (
                                    "水碰到电就断电",
                                    (
                                        "<p>如果水流到插座、电器附近，先到配电箱拉下总闸。"
                                        "手湿的时候不要碰开关。</p>"
                                    ),
                                ),
                                (
                                    "挡水、转移物品",
                                    "<p>用毛巾和盆挡住水，把电器、地毯和贵重物品搬到高处。</p>",
                                ),
                                ("通知楼下和物业", "<p>水可能已经渗到楼下，尽早告诉邻居和物业。</p>"),
                            ],
                        ),
                        ("heading", "打电话给我们"),
                        (
                            "text",
                            (
                                "<p>拨打 <b>400-600-7788</b>，漏水等紧急情况 24 小时有人接听。"
                                "夜间上门检测费 ¥150。等待期间拍下漏水位置和受损物品的照片，方便之后理赔。"
                                "</p>"
                            ),
                        ),
                        ("heading", "提前准备"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>趁现在没漏水，去找一找你家的水总阀在哪里，试试能不能拧动。"
                                    "真出事时能省下宝贵的几分钟。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Don't panic. Work through these steps in order and you'll keep the "
                                "damage to a minimum.</p>"
                            ),
                        ),
                        ("heading", "Do this straight away"),
                        (
                            "steps",
                            [
                                (
                                    "Shut the main water valve",
                                    (
                                        "<p>It's usually next to the water meter: under the kitchen sink or "
                                        "in the meter box in the corridor. Turn it clockwise as far as it "
                                        "goes.</p>"
                                    ),
                                ),
                                (
                                    "Switch off the power if water reaches electrics",
                                    (
                                        "<p>If water is near sockets or appliances, switch off the main "
                                        "breaker at the fuse box first. Don't touch switches with wet "
                                        "hands.</p>"
                                    ),
                                ),
                                (
                                    "Contain the water",
                                    (
                                        "<p>Use towels and bowls, and lift appliances, rugs and valuables "
                                        "off the floor.</p>"
                                    ),
                                ),
                                (
                                    "Tell the neighbours below and building management",
                                    "<p>Water may already be coming through their ceiling.</p>",
                                ),
                            ],
                        ),
                        ("heading", "Call us"),
                        (
                            "text",
                            (
                                "<p>Call <b>400-600-7788</b>: leaks and other emergencies are answered 24 "
                                "hours a day. Night call-outs cost ¥150. While you wait, photograph the leak "
                                "and anything damaged for your insurance.</p>"
                            ),
                        ),
                        ("heading", "Be ready"),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>While nothing is leaking, find your main water valve and check it "
                                    "turns. It will save precious minutes when it matters.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "electrical-emergency",
                "category": "emergencies",
                "title": {
                    "zh-hans": "跳闸、冒烟等用电紧急情况",
                    "en": "Electrical emergencies: tripping, sparks and burning smells",
                },
                "summary": {
                    "zh-hans": (
                        "闻到焦味、看到火花或反复跳闸，先到配电箱拉下总闸，再致电 400-600-7788；"
                        "有人触电或起火请拨 120、119。"
                    ),
                    "en": (
                        "Burning smell, sparks or a breaker that keeps tripping? Switch off the main "
                        "breaker, then call 400-600-7788. For a shock or a fire, call 120 or 119."
                    ),
                },
                "tags": {
                    "zh-hans": ["跳闸", "触电", "电路", "紧急"],
                    "en": ["breaker", "electric shock", "electrical", "emergency"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["water-leak", "home-safety", "plumbing-electrical"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>电的问题不要自己拆修。遇到下面这些情况，按步骤处理。</p>"),
                        ("heading", "危险信号"),
                        (
                            "text",
                            (
                                "<ul><li>插座、开关或电器有焦味、冒烟、"
                                "发黑</li><li>插拔时有火花</li><li>空气开关反复跳闸，"
                                "推上去又马上掉下来</li></ul>"
                            ),
                        ),
                        ("heading", "该怎么做"),
                        (
                            "steps",
                            [
                                ("拉下总闸", "<p>配电箱一般在进门处，把最大的那个总开关往下拉。</p>"),
                                ("拔掉可疑电器", "<p>断电之后，再拔掉出问题的电器插头。</p>"),
                                ("不要反复推闸", "<p>跳闸是在保护你。反复推上去可能让线路过热。</p>"),
                                (
                                    "致电 400-600-7788",
                                    "<p>用电紧急情况 24 小时有人接听，我们会安排持证电工上门。</p>",
                                ),
                            ],
                        ),
                        ("heading", "有人触电或起火"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>先断电，再碰触电的人，并马上拨打 120。电器起火不要用水浇，"
                                    "断电后用灭火毯或干粉灭火器，火势控制不住立即离开并拨打 119。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Never try to take electrical things apart yourself. If you notice any of "
                                "these, follow the steps below.</p>"
                            ),
                        ),
                        ("heading", "Warning signs"),
                        (
                            "text",
                            (
                                "<ul><li>A burning smell, smoke or scorch marks on a socket, switch or "
                                "appliance</li><li>Sparks when you plug in or unplug</li><li>A breaker that "
                                "trips again as soon as you push it back up</li></ul>"
                            ),
                        ),
                        ("heading", "What to do"),
                        (
                            "steps",
                            [
                                (
                                    "Switch off the main breaker",
                                    (
                                        "<p>The fuse box is usually by the front door: push the largest "
                                        "switch down.</p>"
                                    ),
                                ),
                                ("Unplug the suspect appliance", "<p>Only once the power is off.</p>"),
                                (
                                    "Don't keep resetting the breaker",
                                    (
                                        "<p>Tripping is protecting you; resetting it again and again can "
                                        "overheat the wiring.</p>"
                                    ),
                                ),
                                (
                                    "Call 400-600-7788",
                                    (
                                        "<p>Electrical emergencies are answered 24 hours a day, and we send "
                                        "a licensed electrician.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "If someone gets a shock, or there's a fire"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Cut the power before touching anyone who has had a shock, and call "
                                    "120 at once. Never put water on an electrical fire: with the power off, "
                                    "use a fire blanket or powder extinguisher, and if it spreads, get out "
                                    "and call 119.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "seasonal-checklist",
                "category": "seasonal",
                "title": {"zh-hans": "四季居家保养清单", "en": "Seasonal home maintenance checklist"},
                "summary": {
                    "zh-hans": (
                        "春天洗空调、梅雨季防潮、秋天查热水器、冬天包水管：按上海的季节做保养，少出故障。"
                    ),
                    "en": (
                        "Clean the air conditioner in spring, fight damp in the plum rains, check the water "
                        "heater in autumn and protect pipes in winter."
                    ),
                },
                "tags": {
                    "zh-hans": ["保养", "空调", "梅雨", "防冻"],
                    "en": ["maintenance", "air conditioning", "damp", "frozen pipes"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["home-safety", "appliance-repair", "deep-cleaning"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>上海夏天湿热、冬天湿冷，按季节做点小保养，能避开大部分旺季排队的维修。</p>",
                        ),
                        ("heading", "春季（3–5 月）"),
                        (
                            "text",
                            (
                                "<ul><li>清洗空调滤网，开机试一下制冷，"
                                "趁排队的人还少</li><li>检查门窗密封条，准备迎接梅雨</li></ul>"
                            ),
                        ),
                        ("heading", "梅雨和夏季（6–8 月）"),
                        (
                            "text",
                            (
                                "<ul><li>开除湿，"
                                "衣柜放防潮剂</li><li>检查卫生间硅胶缝有没有发霉</li><li>清理阳台地漏，"
                                "防止暴雨积水</li></ul>"
                            ),
                        ),
                        ("heading", "秋冬（9–2 月）"),
                        (
                            "text",
                            (
                                "<ul><li>检查热水器和空调制热</li><li>清洗油烟机滤网</li><li>寒潮前给阳台和室"
                                "外的水管包上保温棉</li><li>测试烟雾报警器</li></ul>"
                            ),
                        ),
                        (
                            "callout",
                            ("tip", "<p>想让我们上门做换季检查或深度保洁，请致电 400-600-7788 预约。</p>"),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Shanghai summers are hot and humid and winters damp and cold. A little "
                                "seasonal upkeep avoids most of the repairs that come in the busy season.</p>"
                            ),
                        ),
                        ("heading", "Spring (March–May)"),
                        (
                            "text",
                            (
                                "<ul><li>Clean the air conditioner filters and test the cooling before "
                                "everyone else does</li><li>Check the seals on doors and windows before the "
                                "plum rains</li></ul>"
                            ),
                        ),
                        ("heading", "Plum rains and summer (June–August)"),
                        (
                            "text",
                            (
                                "<ul><li>Run a dehumidifier and put moisture absorbers in "
                                "wardrobes</li><li>Check bathroom sealant for mould</li><li>Clear the "
                                "balcony drain so storms don't flood it</li></ul>"
                            ),
                        ),
                        ("heading", "Autumn and winter (September–February)"),
                        (
                            "text",
                            (
                                "<ul><li>Check the water heater and the air conditioner's "
                                "heating</li><li>Clean the cooker hood filters</li><li>Wrap balcony and "
                                "outdoor pipes before a cold snap</li><li>Test your smoke alarms</li></ul>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>For a seasonal check-up or a deep clean, call 400-600-7788 to book a "
                                    "visit.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "membership-levels",
                "category": "membership",
                "title": {"zh-hans": "会员等级", "en": "Member levels"},
                "summary": {
                    "zh-hans": (
                        "注册即成为 Member，累计 1,000 积分升为 Plus，享 1.5 倍积分、"
                        "每次服务 95 折和每月优惠券。"
                    ),
                    "en": (
                        "Sign up and you're a Member; reach 1,000 points in total to become Plus, with 1.5× "
                        "points, 5% off every visit and a monthly coupon."
                    ),
                },
                "tags": {"zh-hans": ["会员", "等级", "Plus"], "en": ["membership", "levels", "Plus"]},
                "featured": False,
                "audience": "everyone",
                "related": ["points-rules", "plus-benefits", "member-card"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>在网站上注册账户并验证邮箱，你就自动加入海港会员计划，不收任何费用。"
                                "等级按<b>累计获得的积分</b>计算，不会因为用掉积分而降级。</p>"
                            ),
                        ),
                        ("heading", "两个等级"),
                        (
                            "text",
                            (
                                "<ul><li><b>Member</b>：注册即得。每次服务都能积分。</li><li><b>Plus</b>："
                                "累计 1,000 积分。积分 1.5 倍，每次服务 95 折，每月一张优惠券。</li></ul>"
                            ),
                        ),
                        ("heading", "怎么升级"),
                        (
                            "text",
                            (
                                "<p>累计积分达到 1,000 时自动升级为 Plus，消息中心会收到通知，"
                                "之后的每次服务都按 Plus 的权益计算。</p>"
                            ),
                        ),
                        ("heading", "查看进度"),
                        ("text", "<p>打开“我的账户”，会员卡上的进度条会显示还差多少积分升到 Plus。</p>"),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Create an account on this site and confirm your email address, and "
                                "you're in the Harbor membership programme, free of charge. Your level goes "
                                "by the <b>total points you have ever earned</b>, so using points never "
                                "moves you down.</p>"
                            ),
                        ),
                        ("heading", "Two levels"),
                        (
                            "text",
                            (
                                "<ul><li><b>Member</b>: when you join. Points on every "
                                "visit.</li><li><b>Plus</b>: 1,000 points in total. 1.5× points, 5% off "
                                "every visit and a coupon every month.</li></ul>"
                            ),
                        ),
                        ("heading", "Moving up"),
                        (
                            "text",
                            (
                                "<p>When your total reaches 1,000 points you become Plus automatically. We "
                                "send you a message, and Plus benefits apply from your next visit.</p>"
                            ),
                        ),
                        ("heading", "Checking your progress"),
                        (
                            "text",
                            (
                                "<p>Open My account: the progress bar on your card shows how many points you "
                                "need to reach Plus.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "member-card",
                "category": "membership",
                "title": {"zh-hans": "会员码怎么用", "en": "Using your member code"},
                "summary": {
                    "zh-hans": (
                        "“我的账户”里的二维码就是会员卡。付款前给技师扫一下，就能积分、"
                        "用余额付款或使用优惠券。"
                    ),
                    "en": (
                        "The QR code in My account is your member card. Let the technician scan it before "
                        "you pay to earn points, pay from your balance or use a coupon."
                    ),
                },
                "tags": {
                    "zh-hans": ["会员码", "二维码", "会员卡"],
                    "en": ["member card", "QR code", "member code"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["points-rules", "stored-value", "coupons"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>登录后打开“我的账户”，最上面就是你的会员卡，显示等级、积分、储值余额、"
                                "可用优惠券数量和二维码。</p>"
                            ),
                        ),
                        ("heading", "服务完成后"),
                        (
                            "steps",
                            [
                                ("打开我的账户", "<p>技师填好工单、你确认金额后，打开会员卡。</p>"),
                                (
                                    "让技师扫码",
                                    "<p>一定要在付款<b>之前</b>扫码，积分才会记到这次服务上。</p>",
                                ),
                                (
                                    "说明付款方式",
                                    "<p>用储值余额、用积分抵扣或使用优惠券，都请在扫码时告诉技师。</p>",
                                ),
                            ],
                        ),
                        ("heading", "扫不出来"),
                        ("text", "<p>会员卡上方有 16 位会员编号，念给技师手动输入即可。</p>"),
                        (
                            "callout",
                            (
                                "warning",
                                "<p>会员码可以用来支付储值余额，请只给海港技师或服务中心的工作人员扫码。</p>",
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Log in and open My account: your member card is at the top, with your "
                                "level, points, balance, how many coupons you can use, and a QR code.</p>"
                            ),
                        ),
                        ("heading", "When the job is done"),
                        (
                            "steps",
                            [
                                (
                                    "Open My account",
                                    (
                                        "<p>Once the technician has filled in the job sheet and you've "
                                        "agreed the amount, open your card.</p>"
                                    ),
                                ),
                                (
                                    "Let the technician scan it",
                                    "<p>Always <b>before</b> you pay, so the points go on this visit.</p>",
                                ),
                                (
                                    "Say how you'll pay",
                                    (
                                        "<p>If you want to pay from your balance, use points or use a "
                                        "coupon, say so when they scan.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "If it won't scan"),
                        (
                            "text",
                            (
                                "<p>The top of your card shows your 16-character member number: read it out "
                                "and the technician can type it in.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Your member code can be used to pay from your balance, so only let "
                                    "Harbor technicians or our service centre staff scan it.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "plus-benefits",
                "category": "membership",
                "title": {"zh-hans": "Plus 会员权益", "en": "Plus member benefits"},
                "summary": {
                    "zh-hans": (
                        "Plus 会员每次服务 95 折、积分 1.5 倍，每月还有一张优惠券。付款前出示会员码即可享受。"
                    ),
                    "en": (
                        "Plus members get 5% off every visit, 1.5× points and a coupon every month. Show "
                        "your member code before paying to get them."
                    ),
                },
                "tags": {
                    "zh-hans": ["Plus", "会员权益", "折扣"],
                    "en": ["Plus", "member benefits", "discount"],
                },
                "featured": False,
                "audience": "members",
                "related": ["membership-levels", "plus-monthly-coupon"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>感谢你一直选择海港。成为 Plus 会员后，你可以享受以下权益。</p>"),
                        ("heading", "你的权益"),
                        (
                            "text",
                            (
                                "<ul><li><b>每次服务 95 折</b>：维修的人工费和配件费、保洁和搬家都适用，"
                                "上门检测费除外</li><li><b>1.5 倍积分</b>："
                                "实付每 1 元积 1.5 分</li><li><b>每月优惠券</b>：每月 1 日放进“我的优惠券”"
                                "</li></ul>"
                            ),
                        ),
                        ("heading", "怎么享受"),
                        (
                            "steps",
                            [
                                ("付款前出示会员码", "<p>技师扫码后会自动按 95 折计算。</p>"),
                                ("再用优惠券", "<p>折扣先算，优惠券在折后金额上使用。</p>"),
                            ],
                        ),
                        ("heading", "保持 Plus"),
                        (
                            "callout",
                            ("info", "<p>Plus 等级不会过期，用掉积分或积分过期都不会让你降回 Member。</p>"),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            "<p>Thank you for choosing Harbor. As a Plus member, you get the following.</p>",
                        ),
                        ("heading", "Your benefits"),
                        (
                            "text",
                            (
                                "<ul><li><b>5% off every visit</b>: repair labour and parts, cleaning and "
                                "moving help, but not the call-out fee</li><li><b>1.5× points</b>: 1.5 "
                                "points for every ¥1 you pay</li><li><b>A monthly coupon</b>: in My coupons "
                                "on the 1st of every month</li></ul>"
                            ),
                        ),
                        ("heading", "How to get them"),
                        (
                            "steps",
                            [
                                (
                                    "Show your member code before paying",
                                    "<p>Once the technician scans it, the 5% comes off automatically.</p>",
                                ),
                                (
                                    "Then use a coupon",
                                    (
                                        "<p>The discount comes first, and the coupon applies to the "
                                        "discounted amount.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Staying Plus"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>Plus doesn't expire: using points or having them expire never moves "
                                    "you back to Member.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "points-rules",
                "category": "points",
                "title": {"zh-hans": "积分规则", "en": "How points work"},
                "summary": {
                    "zh-hans": (
                        "每次服务实付每 1 元积 1 分（Plus 1.5 倍），每 100 积分抵 1 元；"
                        "积分在获得后第二年年底过期。"
                    ),
                    "en": (
                        "Earn 1 point per ¥1 you pay for a service (1.5 for Plus), and every 100 points take "
                        "¥1 off. Points expire at the end of the year after you earn them."
                    ),
                },
                "tags": {
                    "zh-hans": ["积分", "积分怎么用", "过期"],
                    "en": ["points", "using points", "expiry"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["membership-levels", "member-card", "notification-settings"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>积分记在你的会员账户里，“我的账户”的会员卡上随时能看到。</p>"),
                        ("heading", "怎么赚积分"),
                        (
                            "text",
                            (
                                "<p>付款前出示会员码，实付每 1 元积 1 分，Plus 会员 1.5 倍。"
                                "上门检测费也积分；储值充值不积分，用储值余额付款照常积分。</p>"
                            ),
                        ),
                        ("heading", "怎么用积分"),
                        (
                            "text",
                            (
                                "<p>付款时告诉技师要用多少积分，每 100 积分抵 1 元。"
                                "每一笔增加和扣减都在“积分记录”里。</p>"
                            ),
                        ),
                        ("heading", "积分什么时候过期"),
                        (
                            "text",
                            (
                                "<p>积分在获得后第二年的年底过期，比如 2025 年获得的积分在 2026 年 12 月 31 "
                                "日之后失效。每年 12 月起，消息中心会提醒你即将过期的积分。</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>服务完成后忘了扫码？请在 30 天内拨打 400-600-7788，报上工单号，"
                                    "我们帮你补登积分。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Your points are kept on your member account and shown on the card in My "
                                "account.</p>"
                            ),
                        ),
                        ("heading", "Earning points"),
                        (
                            "text",
                            (
                                "<p>Show your member code before paying and you get 1 point for every ¥1 you "
                                "pay, or 1.5 as a Plus member. The call-out fee earns points too; topping up "
                                "doesn't, but paying with your balance earns points as usual.</p>"
                            ),
                        ),
                        ("heading", "Using points"),
                        (
                            "text",
                            (
                                "<p>When you pay, tell the technician how many points to use: every 100 "
                                "points take ¥1 off. Every point added and taken is listed in Points "
                                "history.</p>"
                            ),
                        ),
                        ("heading", "When points expire"),
                        (
                            "text",
                            (
                                "<p>Points expire at the end of the year after the one you earned them in: "
                                "points earned in 2025 expire after 31 December 2026. From December each "
                                "year, your inbox reminds you about points that are about to expire.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "tip",
                                (
                                    "<p>Forgot to show your code? Call 400-600-7788 within 30 days with your "
                                    "job sheet number and we'll add the points.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "coupons",
                "category": "wallet",
                "title": {"zh-hans": "优惠券怎么用", "en": "Using coupons"},
                "summary": {
                    "zh-hans": (
                        "优惠券在“我的账户”的“我的优惠券”里；付款前出示会员码并告诉技师用哪张，"
                        "每次服务限用一张。"
                    ),
                    "en": (
                        "Your coupons are under My coupons in My account. Show your member code before "
                        "paying and say which coupon to use: one per visit."
                    ),
                },
                "tags": {"zh-hans": ["优惠券", "满减", "领取"], "en": ["coupons", "discount", "claim"]},
                "featured": False,
                "audience": "everyone",
                "related": ["plus-monthly-coupon", "member-card", "payment-methods"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>你的优惠券都在“我的账户”的“我的优惠券”里，分成“可使用”“已使用”“已过期”"
                                "三组，每张都写着券码和有效期。</p>"
                            ),
                        ),
                        ("heading", "怎么领取"),
                        (
                            "text",
                            (
                                "<p>网站活动页上有“领取”按钮的，登录后点一下就能领到账户里。"
                                "我们主动发给你的券，到账时消息中心会通知你。</p>"
                            ),
                        ),
                        ("heading", "怎么使用"),
                        (
                            "steps",
                            [
                                (
                                    "确认券可用",
                                    (
                                        "<p>券在“可使用”里，还在有效期内，服务金额也达到了门槛，"
                                        "比如满 300 减 30。</p>"
                                    ),
                                ),
                                ("付款前出示会员码", "<p>告诉技师要用哪一张。</p>"),
                                ("核对金额", "<p>用过的券会移到“已使用”。</p>"),
                            ],
                        ),
                        ("heading", "使用规则"),
                        (
                            "text",
                            (
                                "<ul><li>每次服务限用一张</li><li>不找零、"
                                "不折现</li><li>过期的券不能补发</li></ul>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Your coupons are under My coupons in My account, in three groups: "
                                "Usable, Used and Expired. Each shows its code and the date it's valid "
                                "until.</p>"
                            ),
                        ),
                        ("heading", "Getting coupons"),
                        (
                            "text",
                            (
                                "<p>Where an offer page on this site has a Claim button, log in and select "
                                "it to add the coupon to your account. When we give you a coupon ourselves, "
                                "you get a message in your inbox.</p>"
                            ),
                        ),
                        ("heading", "Using a coupon"),
                        (
                            "steps",
                            [
                                (
                                    "Check the coupon",
                                    (
                                        "<p>It should be under Usable, within its dates, and the bill should "
                                        "reach its minimum, for example ¥30 off ¥300.</p>"
                                    ),
                                ),
                                (
                                    "Show your member code before paying",
                                    "<p>Tell the technician which coupon to use.</p>",
                                ),
                                ("Check the amount", "<p>A coupon you've used moves to Used.</p>"),
                            ],
                        ),
                        ("heading", "The rules"),
                        (
                            "text",
                            (
                                "<ul><li>One coupon per visit</li><li>No change is given and coupons can't "
                                "be exchanged for cash</li><li>Expired coupons can't be reissued</li></ul>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "stored-value",
                "category": "wallet",
                "title": {"zh-hans": "储值充值与付款", "en": "Stored value: topping up and paying"},
                "summary": {
                    "zh-hans": "在海港服务中心或服务结束时找技师充值，之后出示会员码就能用余额付款。",
                    "en": (
                        "Top up at the Harbor service centre or with your technician after a visit, then pay "
                        "by showing your member code."
                    ),
                },
                "tags": {"zh-hans": ["储值", "充值", "余额"], "en": ["stored value", "top up", "balance"]},
                "featured": False,
                "audience": "everyone",
                "related": ["member-card", "payment-methods", "privacy-data"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>经常用我们服务的家庭，可以先充值，之后付款更方便。会员卡上随时显示余额。</p>",
                        ),
                        ("heading", "在哪里充值"),
                        (
                            "text",
                            (
                                "<ul><li><b>海港服务中心</b>：上海市海港路 88 号，周一至周五 8:00–20:00，"
                                "周六周日 9:00–18:00</li><li><b>上门时</b>："
                                "服务结束后告诉技师你要充值</li></ul><p>每次至少充值 ¥200，可以用微信支付、"
                                "支付宝或银联卡。</p>"
                            ),
                        ),
                        ("heading", "用余额付款"),
                        (
                            "text",
                            (
                                "<p>付款前出示会员码，告诉技师用余额支付，余额不够的部分用其他方式补上。"
                                "每笔充值和支出都记在“我的账户”的“储值记录”里。</p>"
                            ),
                        ),
                        ("heading", "需要注意"),
                        (
                            "text",
                            (
                                "<ul><li>网站上不能充值</li><li>余额不能提现，"
                                "也不能转给别人</li><li>注销账户后余额将作废，请先用完</li></ul>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>If you use us often, topping up in advance makes paying easier. Your "
                                "card always shows your balance.</p>"
                            ),
                        ),
                        ("heading", "Where to top up"),
                        (
                            "text",
                            (
                                "<ul><li><b>Harbor service centre</b>: 88 Harbour Road, Shanghai, Monday to "
                                "Friday 8:00–20:00, weekends 9:00–18:00</li><li><b>During a visit</b>: tell "
                                "the technician when the job is done</li></ul><p>Top up at least ¥200 at a "
                                "time, by WeChat Pay, Alipay or UnionPay card.</p>"
                            ),
                        ),
                        ("heading", "Paying with your balance"),
                        (
                            "text",
                            (
                                "<p>Show your member code before paying and say you'd like to use your "
                                "balance; pay anything it doesn't cover another way. Every top-up and "
                                "payment is listed in Balance history in My account.</p>"
                            ),
                        ),
                        ("heading", "Good to know"),
                        (
                            "text",
                            (
                                "<ul><li>You can't top up on this site</li><li>Your balance can't be "
                                "withdrawn as cash or moved to someone else</li><li>Deleting your account "
                                "cancels the balance, so use it first</li></ul>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "plus-monthly-coupon",
                "category": "wallet",
                "title": {"zh-hans": "Plus 会员每月优惠券", "en": "The Plus monthly coupon"},
                "summary": {
                    "zh-hans": "Plus 会员每月 1 日收到一张满 200 减 20 的优惠券，当月有效。",
                    "en": (
                        "Plus members get a ¥20 off ¥200 coupon on the 1st of every month, valid until the "
                        "end of the month."
                    ),
                },
                "tags": {
                    "zh-hans": ["Plus", "每月优惠券", "优惠券"],
                    "en": ["Plus", "monthly coupon", "coupons"],
                },
                "featured": False,
                "audience": "members",
                "related": ["plus-benefits", "coupons"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>每个月 1 日上午，Plus 会员的“我的优惠券”"
                                "里会多一张<b>满 200 减 20</b>的优惠券。</p>"
                            ),
                        ),
                        ("heading", "怎么知道到账了"),
                        (
                            "text",
                            (
                                "<p>消息中心会收到一条“新优惠券”通知。在“消息设置”里打开邮件或短信，"
                                "也能同时收到。</p>"
                            ),
                        ),
                        ("heading", "怎么用"),
                        (
                            "steps",
                            [
                                ("预约服务", "<p>致电 400-600-7788 预约，不需要提前说明用券。</p>"),
                                ("付款前出示会员码", "<p>告诉技师使用每月优惠券，可以和 95 折一起用。</p>"),
                            ],
                        ),
                        ("heading", "有效期"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>优惠券当月最后一天 23:59 前有效，没用完不会顺延。"
                                    "快到期时我们会发消息提醒你。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>On the morning of the 1st of every month, a <b>¥20 off ¥200</b> coupon "
                                "appears in My coupons for Plus members.</p>"
                            ),
                        ),
                        ("heading", "How you'll know"),
                        (
                            "text",
                            (
                                "<p>You get a “New coupon” message in your inbox. Switch on email or text "
                                "message in Message settings to get it there as well.</p>"
                            ),
                        ),
                        ("heading", "How to use it"),
                        (
                            "steps",
                            [
                                (
                                    "Book a visit",
                                    (
                                        "<p>Call 400-600-7788; there's no need to mention the coupon when "
                                        "you book.</p>"
                                    ),
                                ),
                                (
                                    "Show your member code before paying",
                                    (
                                        "<p>Tell the technician to use your monthly coupon. It works "
                                        "together with your 5% off.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "How long it lasts"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>The coupon is valid until 23:59 on the last day of the month and "
                                    "doesn't carry over. We send you a reminder before it runs out.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "sign-up-login",
                "category": "account",
                "title": {"zh-hans": "注册、登录与密码", "en": "Signing up, logging in and passwords"},
                "summary": {
                    "zh-hans": "用邮箱注册并验证后登录；忘记密码可以通过邮件重设，登录后也能随时修改密码。",
                    "en": (
                        "Sign up with your email address and confirm it to log in. Forgotten your password? "
                        "Reset it by email, or change it any time once logged in."
                    ),
                },
                "tags": {"zh-hans": ["注册", "登录", "密码"], "en": ["sign up", "log in", "password"]},
                "featured": False,
                "audience": "everyone",
                "related": ["membership-levels", "privacy-data", "language"],
                "body": {
                    "zh-hans": [
                        ("heading", "注册"),
                        (
                            "steps",
                            [
                                ("点击“注册”", "<p>填写邮箱，设置密码并再输入一次，阅读并同意隐私政策。</p>"),
                                (
                                    "验证邮箱",
                                    (
                                        "<p>点击我们发给你的邮件里的链接，验证之后才能登录，"
                                        "同时自动成为会员。</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "登录"),
                        (
                            "text",
                            (
                                "<p>输入邮箱或手机号，再输入密码。用手机号登录前，需要先在“个人资料”"
                                "里填写手机号。连续输错 5 次密码会暂停登录 15 分钟。</p>"
                            ),
                        ),
                        ("heading", "忘记或修改密码"),
                        (
                            "text",
                            (
                                "<p>在登录页点击“忘记密码？”，输入注册邮箱，再点邮件里的链接设置新密码，"
                                "链接只能用一次。记得旧密码的话，登录后在个人资料页上方点击“密码”即可修改。"
                                "</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>海港的技师和客服不会向你要密码。接到这样的电话，"
                                    "请直接挂断并告诉我们。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        ("heading", "Signing up"),
                        (
                            "steps",
                            [
                                (
                                    "Select Sign up",
                                    (
                                        "<p>Enter your email address, choose a password and type it again, "
                                        "then read and accept the privacy policy.</p>"
                                    ),
                                ),
                                (
                                    "Confirm your email address",
                                    (
                                        "<p>Follow the link in the email we send you. You can log in once "
                                        "you have, and you're a member from then on.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "Logging in"),
                        (
                            "text",
                            (
                                "<p>Enter your email address or mobile number and your password. To use your "
                                "mobile number, add it to your profile first. After 5 wrong passwords in a "
                                "row, logging in is paused for 15 minutes.</p>"
                            ),
                        ),
                        ("heading", "Forgotten or changing your password"),
                        (
                            "text",
                            (
                                "<p>On the log-in page, select “Forgot your password?”"
                                ", enter your email address and follow the link in the email to set a new "
                                "password; the link works once. If you know your password, log in and select "
                                "Password at the top of your profile page to change it.</p>"
                            ),
                        ),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>Harbor technicians and staff will never ask for your password. If "
                                    "someone does, hang up and let us know.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "privacy-data",
                "category": "account",
                "title": {
                    "zh-hans": "下载个人数据与注销账户",
                    "en": "Downloading your data and deleting your account",
                },
                "summary": {
                    "zh-hans": "在个人资料页可以下载我们保存的全部个人数据，也可以自己注销账户。",
                    "en": (
                        "From your profile page you can download all the personal data we hold about you, or "
                        "delete your account yourself."
                    ),
                },
                "tags": {
                    "zh-hans": ["隐私", "个人数据", "注销"],
                    "en": ["privacy", "personal data", "delete account"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["sign-up-login", "stored-value"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            "<p>你的数据由你做主。下面两件事都可以自己在网站上完成，不需要联系客服。</p>",
                        ),
                        ("heading", "下载我的数据"),
                        (
                            "text",
                            (
                                "<p>在“我的账户”页面底部点击“个人资料”，再点击“下载你的全部数据（JSON）”。"
                                "文件里有你的个人资料、积分记录、储值记录、优惠券和收到的消息。</p>"
                            ),
                        ),
                        ("heading", "注销账户"),
                        (
                            "steps",
                            [
                                ("先用完余额", "<p>储值余额不能提现，注销后也不能再用。</p>"),
                                ("打开个人资料", "<p>点击“删除账户及个人数据”。</p>"),
                                ("输入密码确认", "<p>输入当前密码，点击“删除我的账户”。</p>"),
                            ],
                        ),
                        ("heading", "注销后会怎样"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>注销无法撤销。姓名、邮箱、手机号、生日等个人信息会被删除，积分、"
                                    "余额和优惠券全部作废。我们会保留不含个人信息的服务和积分记录，"
                                    "用于财务对账。</p>"
                                ),
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Your data is yours. You can do both of these yourself on this site, "
                                "without contacting us.</p>"
                            ),
                        ),
                        ("heading", "Downloading your data"),
                        (
                            "text",
                            (
                                "<p>Select Profile at the bottom of My account, then “Download all your data "
                                "(JSON)”. The file holds your profile, points history, balance history, "
                                "coupons and the messages we've sent you.</p>"
                            ),
                        ),
                        ("heading", "Deleting your account"),
                        (
                            "steps",
                            [
                                (
                                    "Use up your balance",
                                    (
                                        "<p>It can't be paid out in cash, and can't be used after you delete "
                                        "your account.</p>"
                                    ),
                                ),
                                (
                                    "Open your profile",
                                    "<p>Select “Delete your account and personal data”.</p>",
                                ),
                                (
                                    "Confirm with your password",
                                    "<p>Type your current password and select “Delete my account”.</p>",
                                ),
                            ],
                        ),
                        ("heading", "What happens next"),
                        (
                            "callout",
                            (
                                "warning",
                                (
                                    "<p>This can't be undone. Your name, email address, mobile number, "
                                    "birthday and other personal details are removed, and your points, "
                                    "balance and coupons are cancelled. We keep records of past services and "
                                    "points, without your personal details, for our accounts.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "language",
                "category": "account",
                "title": {"zh-hans": "切换语言", "en": "Changing the language"},
                "summary": {
                    "zh-hans": (
                        "页面顶部可以在“简体中文”和“English”之间切换；消息和邮件的语言在个人资料里选。"
                    ),
                    "en": (
                        "Switch the site between 简体中文 and English at the top of the page, and choose the "
                        "language of our messages and emails in your profile."
                    ),
                },
                "tags": {"zh-hans": ["语言", "English", "中文"], "en": ["language", "English", "Chinese"]},
                "featured": False,
                "audience": "everyone",
                "related": ["notification-settings", "sign-up-login"],
                "body": {
                    "zh-hans": [
                        ("text", "<p>海港的网站和帮助中心提供简体中文和英文两种语言。</p>"),
                        ("heading", "网站语言"),
                        (
                            "text",
                            "<p>点击页面顶部的“简体中文”或“English”，就会打开同一页面的另一种语言版本。</p>",
                        ),
                        ("heading", "消息和邮件的语言"),
                        (
                            "steps",
                            [
                                ("打开个人资料", "<p>在“我的账户”页面底部点击“个人资料”。</p>"),
                                (
                                    "选择偏好语言",
                                    "<p>选好语言后点击“保存”，之后的消息和邮件都会用这种语言。</p>",
                                ),
                            ],
                        ),
                        ("heading", "电话和上门"),
                        (
                            "text",
                            (
                                "<p>客服电话可以用中文或英文沟通。大部分技师只讲中文，"
                                "需要英文沟通请在预约时说明，我们会尽量安排。</p>"
                            ),
                        ),
                    ],
                    "en": [
                        (
                            "text",
                            "<p>The Harbor site and help centre are in Simplified Chinese and English.</p>",
                        ),
                        ("heading", "The site's language"),
                        (
                            "text",
                            (
                                "<p>Select 简体中文 or English at the top of the page to open the same page "
                                "in the other language.</p>"
                            ),
                        ),
                        ("heading", "The language of messages and emails"),
                        (
                            "steps",
                            [
                                ("Open your profile", "<p>Select Profile at the bottom of My account.</p>"),
                                (
                                    "Choose your preferred language",
                                    (
                                        "<p>Pick a language and select Save. Our messages and emails use it "
                                        "from then on.</p>"
                                    ),
                                ),
                            ],
                        ),
                        ("heading", "On the phone and at your door"),
                        (
                            "text",
                            (
                                "<p>Our phone team speaks Chinese and English. Most technicians speak "
                                "Chinese only, so if you need English, say so when you book and we'll do our "
                                "best to arrange it.</p>"
                            ),
                        ),
                    ],
                },
            },
            {
                "key": "notification-settings",
                "category": "notifications",
                "title": {"zh-hans": "消息中心与通知设置", "en": "Your inbox and message settings"},
                "summary": {
                    "zh-hans": (
                        "积分、余额、等级和优惠券的变动会发到消息中心；可以选择同时发邮件或短信，"
                        "也可以关掉营销消息。"
                    ),
                    "en": (
                        "Changes to your points, balance, level and coupons arrive in your inbox. Choose "
                        "email or text message as well, or switch marketing off."
                    ),
                },
                "tags": {
                    "zh-hans": ["消息", "通知", "短信", "邮件"],
                    "en": ["messages", "notifications", "text message", "email"],
                },
                "featured": False,
                "audience": "everyone",
                "related": ["language", "points-rules", "plus-monthly-coupon"],
                "body": {
                    "zh-hans": [
                        (
                            "text",
                            (
                                "<p>积分和储值变动、升级为 Plus、新优惠券、优惠券和积分快到期、生日祝福，"
                                "都会发到你的消息中心。</p>"
                            ),
                        ),
                        ("heading", "选择通知渠道"),
                        (
                            "steps",
                            [
                                ("打开消息设置", "<p>在消息中心页面底部点击“消息设置”。</p>"),
                                (
                                    "勾选渠道",
                                    (
                                        "<p>每类消息都可以选择是否同时发邮件或短信。"
                                        "短信需要先在个人资料里填写手机号。</p>"
                                    ),
                                ),
                                ("保存", "<p>点击“保存”后马上生效。</p>"),
                            ],
                        ),
                        ("heading", "关闭营销消息"),
                        (
                            "text",
                            (
                                "<p>优惠活动和季节保养提醒属于营销消息，可以在每个渠道单独关闭；"
                                "在个人资料里取消勾选“通过邮件接收新闻和优惠”，就完全不会收到。"
                                "和账户有关的消息在消息中心里始终发送。</p>"
                            ),
                        ),
                        ("heading", "预约信息在哪里"),
                        ("callout", ("info", "<p>预约和改约都通过电话确认，不会出现在消息中心里。</p>")),
                    ],
                    "en": [
                        (
                            "text",
                            (
                                "<p>Changes to your points and balance, moving up to Plus, new coupons, "
                                "coupons and points about to expire, and birthday wishes all arrive in your "
                                "inbox.</p>"
                            ),
                        ),
                        ("heading", "Choosing channels"),
                        (
                            "steps",
                            [
                                (
                                    "Open Message settings",
                                    "<p>Select Message settings at the bottom of your inbox.</p>",
                                ),
                                (
                                    "Tick the channels",
                                    (
                                        "<p>For each kind of message, choose whether to get it by email or "
                                        "text message too. Text messages need a mobile number in your "
                                        "profile.</p>"
                                    ),
                                ),
                                ("Save", "<p>Select Save and your choices apply straight away.</p>"),
                            ],
                        ),
                        ("heading", "Switching off marketing"),
                        (
                            "text",
                            (
                                "<p>Offers and seasonal maintenance reminders are marketing, and you can "
                                "switch them off on each channel. Untick “Send me news and offers by e-mail”"
                                " in your profile and you won't get any. Messages about your own account "
                                "always reach your inbox.</p>"
                            ),
                        ),
                        ("heading", "Where are my bookings?"),
                        (
                            "callout",
                            (
                                "info",
                                (
                                    "<p>Bookings and changes to them are confirmed by phone, so they don't "
                                    "appear in your inbox.</p>"
                                ),
                            ),
                        ),
                    ],
                },
            },
        ],
    },
}
