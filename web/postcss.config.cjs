// Mantine's preset: rem()/em() helpers, light-dark() and the dark/light mixins in our CSS.
module.exports = {
  plugins: {
    'postcss-preset-mantine': {},
  },
};
