"""Theme presets a brand starts from. Any field the brand leaves blank comes from its preset.

A preset may override templates: put them under templates/themes/<preset key>/ with the same
relative name (for example themes/harbor/includes/header.html).
"""

FONT_STACKS = {
    "system": 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif',
    "rounded": 'ui-rounded, "SF Pro Rounded", "Nunito", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif',
    "serif": 'ui-serif, Georgia, "Songti SC", "Noto Serif SC", "SimSun", serif',
    "humanist": '"Avenir Next", "Segoe UI", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
}

PRESETS = {
    "lumen": {
        "name": "Lumen (warm coffee)",
        "primary": "#6b3e26",
        "secondary": "#f3e7da",
        "accent": "#b3541e",
        "mode": "light",
        "font": "humanist",
        "radius": 14,
    },
    "harbor": {
        "name": "Harbor (calm blue)",
        "primary": "#1f4e8c",
        "secondary": "#e6eef8",
        "accent": "#0f7b6c",
        "mode": "light",
        "font": "system",
        "radius": 6,
    },
    "jade": {
        "name": "Jade (fresh green)",
        "primary": "#14684a",
        "secondary": "#e3f4ec",
        "accent": "#c2410c",
        "mode": "light",
        "font": "rounded",
        "radius": 20,
    },
    "midnight": {
        "name": "Midnight (dark)",
        "primary": "#a78bfa",
        "secondary": "#1e1b2e",
        "accent": "#fbbf24",
        "mode": "dark",
        "font": "system",
        "radius": 10,
    },
}

PRESET_CHOICES = [(key, preset["name"]) for key, preset in PRESETS.items()]
FONT_CHOICES = [
    ("system", "System (clean sans-serif)"),
    ("rounded", "Rounded"),
    ("serif", "Serif"),
    ("humanist", "Humanist sans-serif"),
]
